// Package postgres is attaché's state on a PostgreSQL server, for several
// processes sharing one state: the same memory as the SQLite store (feed
// state, items seen, the alerted records and the alert queue), with the same
// methods and the same meaning, on jackc/pgx/v5 and its connection pool.
//
// # Where the tables live
//
// The store creates its tables in the connection's current schema: the
// first schema of search_path that exists, "public" by default. Give
// search_path in the connection string (postgres://…?search_path=attache)
// to keep several deployments, or tests, apart on one database. The schema
// must exist; the role needs CREATE on it for the first start and for every
// upgrade that adds a migration.
//
// # Times
//
// Times are timestamptz, not integer milliseconds as in SQLite: an operator
// reads them in psql as dates, compares them with now() and intervals, and
// the leases of several replicas are judged by the server's one clock rather
// than by each replica's. They are written truncated to the millisecond and
// come back in UTC, so a value reads back exactly as from the SQLite store; a
// zero time is NULL and comes back zero.
//
// # Text
//
// PostgreSQL's text refuses the NUL character and bytes that are not UTF-8,
// both of which a broken feed can deliver. Every string the store writes
// goes through one function, cleanText, that replaces each NUL and each
// invalid byte with U+FFFD, as an HTML parser does; look-ups (keys, stories,
// ids) go through it too, so an item with a NUL in its key is found again.
// Values read back are the cleaned ones, and Record returns its alerts
// cleaned, as Due returns them.
//
// # Migrations
//
// The schema's history is a list of steps (migrate.go), each applied in a
// transaction with the row that records it in schema_migrations. Every
// step's transaction first takes a transaction-level advisory lock, keyed by
// the schema's name, so replicas starting together apply each step once:
// the others wait at the lock and then find the step done. The lock goes
// with the transaction, so a replica killed during a migration leaves no
// lock behind, and its step is undone. A schema migrated by a newer binary
// is refused with store.ErrSchemaTooNew.
//
// # Several replicas
//
// Feeds are leased (leases.go). A lease row per feed holds next_due (when
// the feed is next to be polled, by anyone), owner, expires and epoch.
// Each replica records the feeds its configuration names (SetFeeds, at
// start and at each reload: a feed only some replicas know is polled only
// by those) and runs a claim loop: ClaimFeeds picks, with FOR UPDATE SKIP
// LOCKED, up to as many due, unleased feeds of its own as it has free poll
// slots, walking the due index, and sets owner, expiry (server clock + ttl,
// default 30 s) and epoch+1. The replica renews its leases while polling
// (RenewFeeds every ttl/3; a lease missing from the answer is lost and the
// poll is abandoned). The commit (RecordLeased, or SaveFeedStateLeased for
// a poll with nothing to record) runs the fence first in the same
// transaction: it frees the feed and sets next_due only if owner and epoch
// still match, and otherwise fails with ErrLeaseLost and writes nothing.
// The fence locks the lease row, so a claim racing with a commit either
// sees the feed freed and rescheduled or skips it. A replica killed with
// kill -9, or paused past its lease, loses its feeds at expiry; their
// next_due has passed, so another replica claims them within ttl plus one
// turn of its claim loop. No feed is polled twice in a period: a claim
// needs next_due passed, and each commit moves it on.
//
// Destinations are leased (destinations.go): one replica at a time sends
// to a destination, so the queue's order holds and the channel is paced by
// one dispatcher, as today; the limit (one message a second to a Slack
// channel) then holds in total, not per replica, without a token bucket
// consulted before each message. ClaimDestinations takes free destinations
// with queued or in-flight alerts among those the replica can send to and,
// in the same transaction, requeues the alerts a previous owner left in
// flight (their outcome is unknown: at most those are sent twice, and the
// unknown-outcome check applies to them). MarkInFlightLeased lets an alert
// go in flight only under a live lease (by the server's clock), records the
// lease's epoch on the alert, and the send's time on the lease row; the
// next owner starts pacing from that time instead of bursting. Dispatchers
// spread over destinations by claiming at most their share (destinations
// with work / live replicas, rounded up).
//
// Replicas report a heartbeat (Heartbeat, every ttl/3) with the hash of
// their configuration and their version; Replicas lists them with whether
// they are alive, for the status page and a metric of replicas whose
// configuration differs. Leave frees a replica's leases at a clean
// shutdown, after its polls and sends in flight are settled, so that the
// others take its work over at once.
package postgres
