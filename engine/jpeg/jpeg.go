// Package jpeg writes RGBA pictures as baseline JPEG files with
// libjpeg-turbo: the same IJG quality scale, 4:2:0 chroma and standard
// Huffman tables as Go's image/jpeg, with SIMD colour conversion and DCT
// (about five times faster on a sprite sheet, where image/jpeg was a
// tenth of an every-frame sprite task's CPU).
package jpeg

/*
#cgo pkg-config: libjpeg
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <jpeglib.h>

// A libjpeg error normally ends the process (error_exit calls exit); this
// one formats the message and jumps back into ossemu_jpeg_write.
typedef struct {
	struct jpeg_error_mgr pub;
	jmp_buf jump;
	char msg[JMSG_LENGTH_MAX];
} ossemu_jpeg_err;

static void ossemu_jpeg_error_exit(j_common_ptr c) {
	ossemu_jpeg_err *e = (ossemu_jpeg_err *)c->err;
	(*c->err->format_message)(c, e->msg);
	longjmp(e->jump, 1);
}

// Warnings (corrupt-data notices are a decoder's business) are dropped.
static void ossemu_jpeg_no_message(j_common_ptr c) { (void)c; }

// ossemu_jpeg_write compresses the RGBA picture pix (w×h, stride bytes per
// row) at quality into the open file f. It returns 0, or -1 with the
// library's message in msg (JMSG_LENGTH_MAX bytes). Everything it
// allocates is freed before it returns, on either path.
static int ossemu_jpeg_write(FILE *f, const unsigned char *pix, int w, int h, int stride, int quality, char *msg) {
	struct jpeg_compress_struct c;
	ossemu_jpeg_err err;
	memset(&c, 0, sizeof c);
	c.err = jpeg_std_error(&err.pub);
	err.pub.error_exit = ossemu_jpeg_error_exit;
	err.pub.output_message = ossemu_jpeg_no_message;
	if (setjmp(err.jump)) {
		jpeg_destroy_compress(&c);
		memcpy(msg, err.msg, JMSG_LENGTH_MAX);
		return -1;
	}
	jpeg_create_compress(&c);
	jpeg_stdio_dest(&c, f);
	c.image_width = (JDIMENSION)w;
	c.image_height = (JDIMENSION)h;
	c.input_components = 4;
	c.in_color_space = JCS_EXT_RGBA;
	jpeg_set_defaults(&c);
	jpeg_set_quality(&c, quality, TRUE);
	jpeg_start_compress(&c, TRUE);
	while (c.next_scanline < c.image_height) {
		JSAMPROW row = (JSAMPROW)(pix + (size_t)c.next_scanline * (size_t)stride);
		jpeg_write_scanlines(&c, &row, 1);
	}
	jpeg_finish_compress(&c);
	jpeg_destroy_compress(&c);
	return 0;
}
*/
import "C"

import (
	"errors"
	"fmt"
	"image"
	"os"
	"unsafe"
)

// maxSide is JPEG's largest picture side (the header's 16-bit fields).
const maxSide = 65500

// WriteFile writes img as a JPEG of the given quality (1–100, clamped)
// into a new file at path, replacing any file there. Alpha is ignored, as
// image/jpeg ignores it: the picture's RGB values are encoded. On error
// the file is removed.
func WriteFile(path string, img *image.RGBA, quality int) (err error) {
	size := img.Rect.Size()
	if size.X <= 0 || size.Y <= 0 || size.X > maxSide || size.Y > maxSide {
		return fmt.Errorf("jpeg: cannot encode a %dx%d picture", size.X, size.Y)
	}
	quality = min(max(quality, 1), 100)

	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	cmode := C.CString("wb")
	defer C.free(unsafe.Pointer(cmode))
	f, ferr := C.fopen(cpath, cmode)
	if f == nil {
		return fmt.Errorf("jpeg: creating %s: %w", path, ferr)
	}
	defer func() {
		if C.fclose(f) != 0 && err == nil {
			err = fmt.Errorf("jpeg: writing %s: closing failed", path)
		}
		if err != nil {
			_ = os.Remove(path)
		}
	}()

	// The picture's first pixel: img.Pix may start before img.Rect.Min
	// for a sub-image.
	pix := img.Pix[img.PixOffset(img.Rect.Min.X, img.Rect.Min.Y):]
	var msg [C.JMSG_LENGTH_MAX]C.char
	if C.ossemu_jpeg_write(f, (*C.uchar)(unsafe.Pointer(&pix[0])), C.int(size.X), C.int(size.Y), C.int(img.Stride), C.int(quality), &msg[0]) != 0 {
		return fmt.Errorf("jpeg: writing %s: %s", path, C.GoString(&msg[0]))
	}
	if C.ferror(f) != 0 {
		return errors.New("jpeg: writing " + path + ": write error")
	}
	return nil
}
