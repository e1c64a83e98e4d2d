package parser

import "math"

// MaxSpriteSide is the largest sprite sheet side in pixels (OSS's video/sprite
// documentation: "The maximum resolution is 16384px × 16384px").
const MaxSpriteSide = 16384

// Sprite parameter ranges and defaults, as OSS documents them for video/sprite.
const (
	maxThreshold   = 100
	minSubSide     = 32
	maxSubSide     = 4096
	maxPercent     = 200
	defaultPercent = 100
	maxTiles       = 100
	defaultTiles   = 6
	maxSpacing     = 100
	defaultSpacing = 2
	maxNum         = math.MaxInt32
)

var spriteParams = []string{
	"ss", "f", "m", "thr", "num", "inter", "sw", "sh", "psw", "psh",
	"scaletype", "tw", "th", "pad", "margin",
}

// parseSprite reads the video/sprite stage. Parameters that a mode ignores
// (thr outside dhash, inter in key and avg) and psw/psh when sw/sh are set
// are validated, then reset to their defaults, so equal requests give equal
// values.
func parseSprite(segs []segment) (*Sprite, error) {
	ps, err := parseParams(ActionSprite, segs[0].params, spriteParams...)
	if err != nil {
		return nil, err
	}
	s := &Sprite{}
	if s.Start, err = ps.millis("ss", maxMillis); err != nil {
		return nil, err
	}
	if err := ps.require("f"); err != nil {
		return nil, err
	}
	f, err := ps.enum("f", "", string(JPG), string(PNG))
	if err != nil {
		return nil, err
	}
	s.Format = ImageFormat(f)
	m, err := ps.enum("m", string(ModeInter), string(ModeInter), string(ModeKey), string(ModeAvg), string(ModeDHash))
	if err != nil {
		return nil, err
	}
	s.Mode = CaptureMode(m)
	if s.Threshold, err = ps.small("thr", 0, maxThreshold, 0); err != nil {
		return nil, err
	}
	if s.Num, err = ps.small("num", 0, maxNum, 0); err != nil {
		return nil, err
	}
	if s.Interval, err = ps.millis("inter", maxMillis); err != nil {
		return nil, err
	}
	if err := parseSpriteSize(ps, s); err != nil {
		return nil, err
	}
	st, err := ps.enum("scaletype", string(Stretch), string(Stretch), string(Crop), string(Fill), string(Fit))
	if err != nil {
		return nil, err
	}
	s.ScaleType = ScaleType(st)
	if err := parseGrid(ps, s); err != nil {
		return nil, err
	}
	if err := normaliseMode(ps, s); err != nil {
		return nil, err
	}
	return s, checkSheet(s)
}

// parseSpriteSize reads sw/sh (pixels) and psw/psh (percent of the source).
func parseSpriteSize(ps paramSet, s *Sprite) error {
	var err error
	if s.Width, err = ps.small("sw", minSubSide, maxSubSide, 0); err != nil {
		return err
	}
	if s.Height, err = ps.small("sh", minSubSide, maxSubSide, 0); err != nil {
		return err
	}
	if s.WidthPct, err = ps.small("psw", 1, maxPercent, defaultPercent); err != nil {
		return err
	}
	if s.HeightPct, err = ps.small("psh", 1, maxPercent, defaultPercent); err != nil {
		return err
	}
	if s.Width != 0 {
		s.WidthPct = defaultPercent // "psw does not take effect" when sw is set
	}
	if s.Height != 0 {
		s.HeightPct = defaultPercent
	}
	return nil
}

// parseGrid reads tw, th, pad and margin.
func parseGrid(ps paramSet, s *Sprite) error {
	var err error
	if s.Columns, err = ps.small("tw", 1, maxTiles, defaultTiles); err != nil {
		return err
	}
	if s.Rows, err = ps.small("th", 1, maxTiles, defaultTiles); err != nil {
		return err
	}
	if s.Pad, err = ps.small("pad", 0, maxSpacing, defaultSpacing); err != nil {
		return err
	}
	s.Margin, err = ps.small("margin", 0, maxSpacing, defaultSpacing)
	return err
}

// normaliseMode applies the per-mode meaning of thr, num and inter.
func normaliseMode(ps paramSet, s *Sprite) error {
	if s.Mode != ModeDHash {
		s.Threshold = 0 // "valid only in dhash mode"
	}
	switch s.Mode {
	case ModeKey, ModeAvg:
		s.Interval = 0 // "The inter parameter is invalid in this mode"
	}
	if s.Mode == ModeAvg {
		if ps.has("num") && s.Num == 0 {
			return invalid("parameter num: value 0 is not allowed in avg mode")
		}
		if s.Num == 0 {
			s.Num = s.Columns * s.Rows // one full sheet
		}
	}
	return nil
}

// checkSheet enforces the 16384-pixel sheet limit for each side whose
// sub-image size is explicit; other sides depend on the source video and are
// checked by the engine.
func checkSheet(s *Sprite) error {
	if s.Width != 0 {
		if w := SheetSide(s.Columns, s.Width, s.Pad, s.Margin); w > MaxSpriteSide {
			return invalid("video/sprite: sheet width %d (tw %d × sw %d + pad and margin) exceeds %d", w, s.Columns, s.Width, MaxSpriteSide)
		}
	}
	if s.Height != 0 {
		if h := SheetSide(s.Rows, s.Height, s.Pad, s.Margin); h > MaxSpriteSide {
			return invalid("video/sprite: sheet height %d (th %d × sh %d + pad and margin) exceeds %d", h, s.Rows, s.Height, MaxSpriteSide)
		}
	}
	return nil
}

// SheetSide is one side of a sprite sheet in pixels: n tiles of size px
// separated by pad, with margin on both edges.
func SheetSide(n, px, pad, margin int) int {
	return 2*margin + n*px + (n-1)*pad
}
