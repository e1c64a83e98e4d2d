// Package testutil holds the test helpers that several ossemu packages
// need: an SQLite database opened like the queue's writer (and, through
// DBStores, PostgreSQL too), a background runner that is stopped when the
// test ends, an HTTP GET with Basic credentials, the MNS push signature
// check receivers must do, an H.264 header rewriter that makes files
// declare absurd picture sizes, and the table of video/concat output
// combinations the document allows. Only tests import it.
package testutil
