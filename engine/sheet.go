package engine

import (
	"encoding/json"
	"time"
)

// Sheet is the layout of one sprite sheet a run wrote: its size and its
// cells in the order they were captured.
type Sheet struct {
	Width, Height int
	Cells         []Cell
}

// Cell is one sprite cell: when the frame it shows is in the source, and
// its box on the sheet.
type Cell struct {
	Time       time.Duration // the captured frame's timestamp, from the start of the source
	X, Y, W, H int
}

// SpriteDetail is what a sprite task's result records beyond its outputs:
// every sheet written, in order, with its cells. The task API shows it as
// the task's "Sprite" field; `emulator process --json` too.
type SpriteDetail struct {
	Sheets []SheetDetail `json:"Sheets"`
}

// SheetDetail is one sheet of a SpriteDetail.
type SheetDetail struct {
	URI    string `json:"URI"` // oss://bucket/key
	Width  int    `json:"Width"`
	Height int    `json:"Height"`
	// Replaced is set when a later sheet was saved under the same name
	// (a saveas name with an extension and no {index}), so this one is
	// not kept.
	Replaced bool         `json:"Replaced,omitempty"`
	Cells    []CellDetail `json:"Cells"`
}

// CellDetail is one cell of a SheetDetail.
type CellDetail struct {
	Time float64 `json:"Time"` // seconds from the start of the source
	X    int     `json:"X"`
	Y    int     `json:"Y"`
	W    int     `json:"W"`
	H    int     `json:"H"`
}

// Survivors reports, for each output, whether it is the last one saved
// under its bucket and key: the one that is kept.
func Survivors(outs []Output) []bool {
	type ref struct{ bucket, key string }
	last := map[ref]int{}
	for i, o := range outs {
		last[ref{o.Bucket, o.Key}] = i
	}
	keep := make([]bool, len(outs))
	for i, o := range outs {
		keep[i] = last[ref{o.Bucket, o.Key}] == i
	}
	return keep
}

// spriteDetail is the JSON detail of the sheets among outs; nil when
// there are none.
func spriteDetail(outs []Output) (json.RawMessage, error) {
	var d SpriteDetail
	keep := Survivors(outs)
	for i, o := range outs {
		if o.Sheet == nil {
			continue
		}
		sd := SheetDetail{
			URI: "oss://" + o.Bucket + "/" + o.Key, Width: o.Sheet.Width, Height: o.Sheet.Height,
			Replaced: !keep[i], Cells: make([]CellDetail, len(o.Sheet.Cells)),
		}
		for j, c := range o.Sheet.Cells {
			sd.Cells[j] = CellDetail{Time: c.Time.Seconds(), X: c.X, Y: c.Y, W: c.W, H: c.H}
		}
		d.Sheets = append(d.Sheets, sd)
	}
	if d.Sheets == nil {
		return nil, nil
	}
	return json.Marshal(d)
}
