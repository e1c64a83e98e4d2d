// Package testutil holds the test helpers that several ossemu packages
// need: an SQLite database opened like the queue's writer, a background
// runner that is stopped when the test ends, an HTTP GET with Basic
// credentials, the MNS push signature check receivers must do, and the
// table of video/concat output combinations the document allows. Only
// tests import it.
package testutil
