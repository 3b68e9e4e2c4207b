from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from kundennah.customers.models import Customer


@admin.register(Customer)
class CustomerAdmin(SimpleHistoryAdmin):
    """Read-mostly: changes belong in the agent UI, where the services check them."""

    list_display = ("number", "display_name", "kind", "status")
    search_fields = ("number", "display_name")
    readonly_fields = [f.name for f in Customer._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
