"""Offline text analytics for customer feedback: language, sentiment and topics.

Pure Python (NumPy, SciPy, scikit-learn, snowball stemming); no Django, no network, no downloads.
"""

from .language import language_of
from .sentiment import Sentiment, SentimentModel
from .topics import Topic, TopicResult, topics_find

__all__ = ["Sentiment", "SentimentModel", "Topic", "TopicResult", "language_of", "topics_find"]
