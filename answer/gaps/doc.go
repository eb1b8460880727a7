// Package gaps finds what the knowledge base is missing: it clusters the
// questions answerdesk escalated or answered with low confidence, so that a
// writer sees groups of similar questions ("how do I cancel a transfer",
// twelve times this week) instead of a list.
//
// Questions are compared by cosine similarity, of TF-IDF vectors of the
// retrieval analyzer's terms by default or of their embeddings when the
// caller supplies them, and grouped by average-linkage agglomerative
// clustering (the nearest-neighbour chain algorithm, O(n²) time and memory)
// cut at a similarity threshold. Each cluster carries representative
// questions (nearest its centroid) and its most characteristic terms.
//
// gaps imports retrieval (for the analyzer) and nothing else of answerdesk.
package gaps
