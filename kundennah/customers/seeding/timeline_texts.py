"""What customers and agents write on every channel: subjects and summaries of contacts.

Each entry is ``(direction, subject, summary)``; placeholders are filled by the generator:
``{amount}`` (an amount in euros), ``{order}`` (an order number), ``{ticket}`` (a reference),
``{month}`` (a month name), ``{product}`` (something the customer holds), ``{site}`` (a site of
an organisation, or its city).
"""

from __future__ import annotations

Template = tuple[str, str, str]

IN, OUT, INTERNAL = "inbound", "outbound", "internal"

MONTHS: tuple[str, ...] = (
    "Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
    "November", "Dezember",
)

# Relative frequency of the channels on a timeline.
CHANNEL_WEIGHTS: dict[str, int] = {
    "email": 24, "phone": 24, "letter": 7, "webform": 8, "portal": 10, "chat": 8, "social": 3,
    "in_person": 5, "order": 7, "feedback": 4,
}

PERSON: dict[str, tuple[Template, ...]] = {
    "email": (
        (IN, "Frage zur Kontoabrechnung {month}",
         "Die Kundin fragt, wofür die Kontoführungsgebühr im {month} berechnet wurde, und bittet um eine "
         "Aufstellung."),
        (IN, "Adressänderung", "Neue Anschrift ab dem nächsten Monat mitgeteilt, Meldebescheinigung angehängt."),
        (OUT, "Ihre Anfrage {ticket}", "Aufstellung der Gebühren geschickt und die Staffelung erklärt."),
        (IN, "Kreditkarte nicht angekommen", "Die neue Kreditkarte ist nach zehn Tagen noch nicht da."),
        (OUT, "Ihre neue Kreditkarte", "Versand bestätigt, Sendungsnummer mitgeteilt; Karte ist unterwegs."),
        (IN, "Freistellungsauftrag ändern", "Bittet darum, den Freistellungsauftrag auf {amount} zu erhöhen."),
        (OUT, "Bestätigung Freistellungsauftrag", "Änderung umgesetzt und schriftlich bestätigt."),
        (IN, "Kündigung Tagesgeld?", "Überlegt, das Tagesgeld zu kündigen, weil die Konditionen woanders "
         "besser sind. Bittet um Rückruf."),
    ),
    "phone": (
        (IN, "Rückfrage Lastschrift", "Kunde fragt nach einer Lastschrift über {amount}; Gläubiger erklärt, "
         "Kunde ist zufrieden."),
        (IN, "Online-Banking gesperrt", "Zugang nach dreimaliger Falscheingabe gesperrt; Identität geprüft, "
         "Entsperrung veranlasst."),
        (OUT, "Rückruf wie vereinbart", "Konditionen für das Tagesgeld besprochen; Kunde bleibt, Zinsstaffel "
         "per E-Mail zugesagt."),
        (IN, "Karte verloren", "Kreditkarte verloren gemeldet, Karte sofort gesperrt, Ersatzkarte bestellt."),
        (IN, "Frage zum Dispo", "Fragt, wie hoch der Dispositionsrahmen ist und was er kostet."),
        (OUT, "Geburtstagsgruß", "Zum runden Geburtstag gratuliert; Kundin hat sich sehr gefreut."),
        (IN, "Beschwerde Wartezeit", "Beschwert sich, dass er in der Filiale 40 Minuten warten musste. "
         "Entschuldigt und Terminvereinbarung angeboten."),
    ),
    "letter": (
        (OUT, "Kontoauszug {month}", "Quartalsauszug mit Rechnungsabschluss verschickt."),
        (IN, "Schriftliche Vollmacht", "Vollmacht für die Tochter eingereicht, im System hinterlegt."),
        (OUT, "Änderung der Entgelte", "Information über die neuen Entgelte ab {month} verschickt."),
        (IN, "Widerspruch Gebühr", "Widerspricht per Brief der Gebühr von {amount} für eine Ersatzkarte."),
        (OUT, "Jahressteuerbescheinigung", "Jahressteuerbescheinigung verschickt."),
    ),
    "webform": (
        (IN, "Kontaktformular: Rückrufbitte", "Bittet um Rückruf am Vormittag wegen einer Überweisung ins Ausland."),
        (IN, "Kontaktformular: Namensänderung", "Heirat, neuer Nachname; Urkunde wird nachgereicht."),
        (IN, "Kontaktformular: Lob", "Bedankt sich für die schnelle Hilfe bei der Kartensperre."),
    ),
    "portal": (
        (IN, "Portal: Dauerauftrag angelegt", "Dauerauftrag über {amount} monatlich selbst angelegt."),
        (IN, "Portal: Nachricht an den Service", "Fragt im Portal, wann die Zinsgutschrift erfolgt."),
        (OUT, "Portal: Antwort des Service", "Zinsgutschrift erfolgt zum Jahresende, Berechnung erläutert."),
        (IN, "Portal: Limit geändert", "Kartenlimit für Online-Zahlungen auf {amount} gesetzt."),
    ),
    "chat": (
        (IN, "Chat: Überweisung hängt", "Überweisung seit zwei Tagen nicht gutgeschrieben; Buchung geprüft, "
         "Gutschrift heute."),
        (IN, "Chat: Frage zu Apple Pay", "Fragt, ob die Kreditkarte mit Apple Pay funktioniert. Ja, Anleitung "
         "geschickt."),
        (IN, "Chat: Adresse ändern", "Wollte die Adresse ändern; Weg über das Portal gezeigt."),
    ),
    "social": (
        (IN, "Instagram: Kommentar zur App", "Kritisiert, dass die App nach dem Update abstürzt."),
        (OUT, "Instagram: Antwort", "Entschuldigt, Lösung per Direktnachricht angeboten."),
        (IN, "Facebook: Frage zu Öffnungszeiten", "Fragt nach den Öffnungszeiten der Filiale am Samstag."),
    ),
    "in_person": (
        (IN, "Beratungsgespräch Altersvorsorge", "Gespräch in der Filiale über Sparplan; Unterlagen mitgegeben."),
        (IN, "Filialbesuch: Bargeld", "Größere Bargeldabhebung von {amount} angekündigt und ausgezahlt."),
        (IN, "Termin: Baufinanzierung", "Erstgespräch Baufinanzierung, Eigenkapital und Budget besprochen."),
    ),
    "order": (
        (IN, "Bestellung Kontoauszugsdrucker-PIN", "Neue PIN für den Kontoauszugsdrucker bestellt ({order})."),
        (IN, "Bestellung Ersatzkarte", "Ersatzkarte bestellt, Auftrag {order}."),
    ),
    "feedback": (
        (IN, "Feedback nach Telefonat", "Anliegen erfüllt, Gespräch freundlich: 5 von 5 Sternen."),
        (IN, "Feedback nach E-Mail", "Antwort kam schnell, aber die Frage war nur halb beantwortet: 3 von 5."),
        (IN, "Feedback nach Filialbesuch", "Sehr nette Beraterin, lange Wartezeit: 4 von 5."),
    ),
}

ORGANISATION: dict[str, tuple[Template, ...]] = {
    "email": (
        (IN, "Rechnung {ticket}: falsche Lieferadresse", "Rechnung ging an die Zentrale statt an {site}. "
         "Bitte neu ausstellen."),
        (OUT, "Korrigierte Rechnung {ticket}", "Rechnung mit der Rechnungsadresse von {site} neu ausgestellt."),
        (IN, "Toner fast leer", "Der Drucker am Standort {site} meldet wenig Toner. Bitte Nachlieferung."),
        (OUT, "Lieferbestätigung Toner", "Tonerkartuschen für {site} verschickt, Lieferung morgen."),
        (IN, "Neue Ansprechpartnerin Buchhaltung", "Ab {month} ist Frau Becker für die Buchhaltung zuständig."),
        (IN, "Angebot Wartungsvertrag", "Bitte um ein Angebot für die Wartung von drei weiteren Geräten."),
        (OUT, "Ihr Angebot {ticket}", "Angebot für den erweiterten Wartungsvertrag über {amount} pro Jahr."),
        (IN, "SEPA-Mandat neue Bankverbindung", "Neue Bankverbindung für {site}, unterschriebenes Mandat "
         "im Anhang."),
    ),
    "phone": (
        (IN, "Störung Drucker {site}", "Papierstau und Fehlermeldung C7990; Techniker für morgen eingeplant."),
        (OUT, "Rückruf Techniker", "Termin für die Wartung am Standort {site} bestätigt."),
        (IN, "Frage zur Sammelrechnung", "Möchte künftig eine Sammelrechnung für alle Standorte."),
        (IN, "Reklamation Lieferung", "Lieferung {order} unvollständig, zwei Kartons fehlen."),
        (OUT, "Klärung Reklamation", "Fehlende Kartons nachgeliefert, Gutschrift über {amount} angeboten."),
        (IN, "Zahlungserinnerung unklar", "Hat die Zahlungserinnerung erhalten, obwohl bezahlt wurde; "
         "Zahlung gefunden, Mahnung storniert."),
    ),
    "letter": (
        (OUT, "Rechnung {ticket}", "Monatsrechnung für {month} per Post an die Rechnungsadresse."),
        (IN, "Kündigung Wartungsvertrag?", "Kündigt vorsorglich den Wartungsvertrag zum Jahresende."),
        (OUT, "Bestätigung Vertragsverlängerung", "Vertragsverlängerung um zwölf Monate bestätigt."),
        (OUT, "Zahlungserinnerung", "Erinnerung an die offene Rechnung über {amount}."),
    ),
    "webform": (
        (IN, "Kontaktformular: Angebot", "Anfrage für Multifunktionsgeräte für einen neuen Standort."),
        (IN, "Kontaktformular: Serviceanfrage", "Gerät am Standort {site} druckt Streifen."),
    ),
    "portal": (
        (IN, "Portal: Bestellung {order}", "Bestellung über das Kundenportal für {site}."),
        (IN, "Portal: Lieferadresse geändert", "Lieferadresse von {site} im Portal aktualisiert."),
        (IN, "Portal: Rechnung heruntergeladen", "Rechnung {ticket} im Portal abgerufen."),
        (OUT, "Portal: Versandbestätigung", "Bestellung {order} ist versandt."),
    ),
    "chat": (
        (IN, "Chat: Lieferstatus", "Fragt nach dem Lieferstatus von {order}; Zustellung heute."),
        (IN, "Chat: Zugang für Kollegin", "Neuer Portalzugang für eine Kollegin an {site} gewünscht."),
    ),
    "social": (
        (IN, "LinkedIn: Nachricht", "Interesse an einer Partnerschaft für Druckmanagement."),
        (OUT, "LinkedIn: Antwort", "Termin für ein Kennenlernen vorgeschlagen."),
    ),
    "in_person": (
        (OUT, "Vor-Ort-Termin {site}", "Bestandsaufnahme aller Geräte am Standort, Bedarf besprochen."),
        (IN, "Jahresgespräch", "Jahresgespräch mit der Geschäftsführung: Zufriedenheit gut, Wunsch nach "
         "schnellerer Rechnungskorrektur."),
    ),
    "order": (
        (IN, "Bestellung {order}", "Toner schwarz und farbig für {site}, Lieferung an die Standortadresse."),
        (IN, "Nachbestellung {order}", "Automatische Nachbestellung: Tonerstand unter 10 % an {site}."),
        (IN, "Bestellung {order}", "Papier und Heftklammern für {site}, {amount} netto."),
    ),
    "feedback": (
        (IN, "Feedback nach Technikereinsatz", "Problem gelöst, Techniker pünktlich und freundlich: 5 von 5."),
        (IN, "Feedback nach Reklamation", "Gelöst, aber es hat zu lange gedauert: 3 von 5."),
    ),
}

# Entries made by staff, not by the customer.
INTERNAL_NOTES: tuple[Template, ...] = (
    (INTERNAL, "Interne Notiz", "Kunde bei der nächsten Kontaktaufnahme auf das neue Portal hinweisen."),
    (INTERNAL, "Übergabe an Teamleitung", "Kulanz über {amount} freigegeben."),
)
