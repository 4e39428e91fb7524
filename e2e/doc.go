// Package e2e holds the fault-injection suite: it builds the real attache
// binary and runs it against a local feed server whose feeds change on
// command, a ministry's HTML list and statement pages (pages_test.go), and a
// fake Slack that can answer slowly, refuse, rate-limit, fail,
// go away, or accept a message and then drop the connection. Every case
// asserts the exact set of messages Slack received.
//
// go test ./e2e runs the short version that CI runs; go test ./e2e
// -e2e.kills=50 runs the crash loop as long as RELIABILITY.md reports.
package e2e
