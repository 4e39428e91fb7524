package rules

// SupportsLanguage reports whether the words of a document in lang (a
// BCP 47 tag such as "en", "ru" or "en-GB") are stemmed, so that a query
// word also finds its other forms there. In a language without a stemmer
// a query word matches only as written; configuration checks warn about
// such a language, which is often a mistyped code.
func SupportsLanguage(lang string) bool {
	return latinStemmerFor(lang) != stemNone
}
