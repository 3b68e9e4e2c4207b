"""Offline text analytics for customer feedback: language, sentiment and topics.

Pure Python (NumPy, SciPy, scikit-learn, snowball stemming); no Django, no network, no downloads.
"""

from .language import language_of
from .sentiment import Sentiment, SentimentModel

__all__ = ["Sentiment", "SentimentModel", "language_of"]
