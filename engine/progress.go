package engine

// Progress turns an engine's position into the whole percentages a task
// reports: 0–99 while it works, each value once and never lower than
// before (as long as the position does not go back), and 100 only when
// its outputs are complete. Made with a nil callback it reports nothing.
type Progress struct {
	report func(percent int)
	last   int
}

// NewProgress reports through report, which may be nil.
func NewProgress(report func(percent int)) *Progress {
	return &Progress{report: report, last: -1}
}

// At reports done out of total (in any one unit); nothing while total is
// not positive (an unknown length).
func (p *Progress) At(done, total float64) {
	if p.report == nil || total <= 0 {
		return
	}
	pct := min(max(int(done/total*100), 0), 99)
	if pct != p.last {
		p.last = pct
		p.report(pct)
	}
}

// Done reports 100: the outputs are written.
func (p *Progress) Done() {
	if p.report != nil {
		p.report(100)
	}
}
