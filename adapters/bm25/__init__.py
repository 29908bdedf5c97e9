"""SparseEncoder: BM25 term weights (tokenise, lowercase, stopwords, Snowball stemming).

The index applies the IDF (Qdrant's IDF modifier), so documents carry only the saturated,
length-normalised term frequency and queries carry 1 per distinct term.
"""

from .encoder import Bm25Encoder, Bm25Settings, open_sparse_encoder, term_id

__all__ = ["Bm25Encoder", "Bm25Settings", "open_sparse_encoder", "term_id"]
