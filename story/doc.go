// Package story decides which alerted items tell the same story, across
// sources and across Russian, English and (where it can) Chinese, and tells
// a revised item from a cosmetic edit.
//
// An alerted item joins an open story or starts one. Two items are compared
// on what survives translation without a translator: named entities (people,
// places, organisations) reduced to a key that Cyrillic and Latin spellings
// of a name share (Лукашенко, Lukashenko and Lukashenka; Гродно, Grodno and
// Hrodna), numbers and dates in any of the usual notations (90,000, 90 000
// and 90 тыс.; July 1 and 1 июля), the rule lists (concepts) that matched,
// and, within one language, how much of the wording two items share (a
// MinHash of their word stems). Every join carries the evidence that made it,
// so a status page or `attache test --json` can say why.
//
// The package is pure: no clock, no I/O, no randomness. The same items in
// the same order give the same stories, and Cluster gives the same stories
// for the same items in any order (it sorts them by publication time first).
// What order still changes in the online Index is written down on Index.
//
// A story's Record holds all that a store must keep for it to span a
// restart: its members, the signatures that later items are matched against,
// and an opaque reference per destination for the message that announced it.
package story
