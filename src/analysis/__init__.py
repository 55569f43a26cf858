"""Comparative analysis of local-government reports on China's civilised-city campaigns.

The one entry point::

    from analysis import load_corpus
    corpus = load_corpus()        # the bundled reports; load_corpus(path) for another corpus folder
    corpus.documents              # one row per report: doc_id, metadata, title, cleaned text, counts
    corpus.sentences              # doc_id, para_id, sent_id, start, end, text
    corpus.tokens                 # doc_id, sent_id, token_id, token, start, end, flags
"""

from analysis.loading.corpus import Corpus, load_corpus
from analysis.loading.errors import CorpusError

__all__ = ["Corpus", "CorpusError", "load_corpus"]
