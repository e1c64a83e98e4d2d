// Command reliability is ossemu's crash test, run by hand (it takes several
// minutes and kills processes, so it is not part of the test suite): it
// starts the emulator as a child process, submits a mix of asynchronous
// tasks (concat, segmented concat, sprites) on 4–6 s clips, kills the emulator with
// SIGKILL at random moments (some of them while a task publishes its
// outputs) and restarts it, then checks what clients could see:
//
//   - lost tasks: acknowledged but not Succeeded in the end, or with a target
//     missing;
//   - duplicated tasks or outputs: a task listed twice, objects under a
//     task's prefix that are not among its targets;
//   - half-visible outputs: a task whose prefix was ever seen (by a client
//     while the emulator ran, or in the data directory after a kill) holding
//     some but not all of its final outputs;
//   - broken outputs: a final output that does not decode;
//   - missing and duplicated notifications: a finished task whose push never
//     came, or that was announced by two different messages (the same
//     message delivered again, which MNS receivers deduplicate on
//     x-mns-message-id, is counted apart as a redelivery).
//
// Every figure but the redeliveries must be 0; the exit status is 1 otherwise.
//
//	go run ./cmd/reliability                 # 100 tasks, 5 kills
//	go run ./cmd/reliability -tasks 40 -kills 3 -seed 7
//
// It needs the ffmpeg and ffprobe CLIs (scripts/install-deps.sh) to make the
// input clips and check the outputs.
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "reliability:", err)
		os.Exit(1)
	}
}

// config is the command line.
type config struct {
	tasks, kills, workers int
	seed                  uint64
	dir, emulator         string
	timeout               time.Duration
}

func parseFlags(args []string) (config, error) {
	var c config
	fs := flag.NewFlagSet("reliability", flag.ContinueOnError)
	fs.IntVar(&c.tasks, "tasks", 100, "tasks to submit")
	fs.IntVar(&c.kills, "kills", 5, "times to kill -9 the emulator")
	fs.IntVar(&c.workers, "workers", 2, "the emulator's --workers")
	fs.Uint64Var(&c.seed, "seed", 0, "random seed (0: from the clock); the run prints the one it used")
	fs.StringVar(&c.dir, "dir", "", "work directory, kept afterwards (default: a temporary one, removed)")
	fs.StringVar(&c.emulator, "emulator", "", "emulator binary (default: go build ./cmd/emulator)")
	fs.DurationVar(&c.timeout, "timeout", 30*time.Minute, "give up after this long")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if c.seed == 0 {
		c.seed = uint64(time.Now().UnixNano())
	}
	return c, nil
}

func run(ctx context.Context, args []string) error {
	cfg, err := parseFlags(args)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.timeout)
	defer cancel()
	dir := cfg.dir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "ossemu-reliability-"); err != nil {
			return err
		}
		defer os.RemoveAll(dir)
	}
	rng := rand.New(rand.NewPCG(cfg.seed, cfg.seed^0x5eed))
	fmt.Printf("reliability: %d tasks, %d kills, %d workers, seed %d, in %s\n", cfg.tasks, cfg.kills, cfg.workers, cfg.seed, dir)
	bin := cfg.emulator
	if bin == "" {
		if bin, err = buildEmulator(ctx, dir); err != nil {
			return err
		}
	}
	clips, err := makeClips(ctx, dir)
	if err != nil {
		return err
	}
	recv, err := startReceiver()
	if err != nil {
		return err
	}
	defer recv.close()
	em := &emulator{bin: bin, dataDir: filepath.Join(dir, "data"), log: filepath.Join(dir, "emulator.log"),
		args: []string{"--workers", fmt.Sprint(cfg.workers), "--video-preset", "ultrafast",
			"--notify-endpoint", "*=" + recv.url + "#SIMPLIFIED"}}
	if err := em.start(ctx); err != nil {
		return err
	}
	defer em.stopHard()
	start := time.Now()
	w := newWorkload(em, rng)
	if err := w.upload(ctx, clips); err != nil {
		return err
	}
	if err := w.submit(ctx, cfg.tasks); err != nil {
		return err
	}
	fmt.Printf("submitted %d tasks in %s\n", len(w.tasks), time.Since(start).Round(time.Millisecond))
	obs := newObserver(w)
	if err := w.killAndRestart(ctx, cfg.kills, obs); err != nil {
		return err
	}
	if err := w.waitAllFinal(ctx, obs); err != nil {
		return err
	}
	recv.waitQuiet(ctx, w, 15*time.Second, 5*time.Minute)
	fig, err := w.check(ctx, obs, recv)
	if err != nil {
		return err
	}
	if err := em.terminate(); err != nil {
		return fmt.Errorf("stopping the emulator: %w", err)
	}
	fig.elapsed = time.Since(start)
	fig.print(os.Stdout)
	if !fig.clean() {
		return fmt.Errorf("some figures that must be 0 are not (data and log kept in %s)", keep(cfg, dir))
	}
	return nil
}

// keep makes a temporary work directory survive a failed run.
func keep(cfg config, dir string) string {
	if cfg.dir == "" {
		kept := dir + "-failed"
		if os.Rename(dir, kept) == nil {
			return kept
		}
	}
	return dir
}
