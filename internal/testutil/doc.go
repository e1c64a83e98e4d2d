// Package testutil holds the test helpers that several ossemu packages
// need: an SQLite database opened like the queue's writer (and, through
// DBStores, PostgreSQL too), a background runner that is stopped when the
// test ends, an HTTP GET with Basic credentials, and the MNS push signature
// check receivers must do. Only tests import it.
package testutil
