package engine

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestRelativeKey(t *testing.T) {
	t.Parallel()
	require.Equal(t, "x.ts", RelativeKey("a/p.m3u8", "a/x.ts"))
	require.Equal(t, "../b/x.ts", RelativeKey("a/p.m3u8", "b/x.ts"))
	require.Equal(t, "b/x.ts", RelativeKey("p.m3u8", "b/x.ts"))
	require.Equal(t, "../../x.jpg", RelativeKey("a/b/t.vtt", "x.jpg"))
}

// The sprite detail lists every sheet with its cells, marks the sheets a
// later one replaced, and is absent when no output is a sheet.
func TestSpriteDetail(t *testing.T) {
	t.Parallel()
	cell := Cell{Time: 1500 * time.Millisecond, X: 2, Y: 3, W: 64, H: 48}
	outs := []Output{
		{Bucket: "b", Key: "s.jpg", Sheet: &Sheet{Width: 132, Height: 52, Cells: []Cell{cell}}},
		{Bucket: "b", Key: "s.jpg", Sheet: &Sheet{Width: 132, Height: 52, Cells: []Cell{cell, cell}}},
		{Bucket: "b", Key: "s.vtt"},
	}
	res, err := Result(outs, nil)
	require.NoError(t, err)
	require.JSONEq(t, `{"Sheets":[
		{"URI":"oss://b/s.jpg","Width":132,"Height":52,"Replaced":true,"Cells":[{"Time":1.5,"X":2,"Y":3,"W":64,"H":48}]},
		{"URI":"oss://b/s.jpg","Width":132,"Height":52,"Cells":[{"Time":1.5,"X":2,"Y":3,"W":64,"H":48},{"Time":1.5,"X":2,"Y":3,"W":64,"H":48}]}
	]}`, string(res.Detail))
	require.Len(t, res.Outputs, 3)

	res, err = Result([]Output{{Bucket: "b", Key: "c.mp4"}}, nil)
	require.NoError(t, err)
	require.Nil(t, res.Detail)
	require.Equal(t, []bool{false, true, true}, Survivors(outs))
}
