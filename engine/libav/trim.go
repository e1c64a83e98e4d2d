package libav

/*
#include <malloc.h>
*/
import "C"

// ReleaseMemory hands the C heap's free memory back to the system
// (glibc's malloc_trim). libav's frames are large enough to be mapped and
// unmapped on their own, but a decoder's many smaller tables (per
// macroblock, per slice, per thread) come from glibc's arenas, one per
// thread that allocated, and glibc keeps what was freed there for reuse:
// after a task on a large picture the process would stay hundreds of
// megabytes bigger. The engines' queue adapters call it after each task.
func ReleaseMemory() {
	C.malloc_trim(0)
}
