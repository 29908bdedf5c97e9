"""SparseEncoder: BM25 term weights (tokenise, lowercase, stopwords, Snowball stemming).

The index applies the IDF (Qdrant's IDF modifier), so documents carry only the saturated,
length-normalised term frequency and queries carry 1 per distinct term.
"""
