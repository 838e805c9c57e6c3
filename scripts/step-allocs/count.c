// Counts malloc/calloc/realloc calls made on threads named "bench-step" (pump-bench's step thread) and prints the
// total at exit. LD_PRELOADed by scripts/step-allocs/run.sh: a load-independent count of allocations on the step
// path (valgrind 3.19 cannot read the Swift 6 binaries).
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/prctl.h>
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
static unsigned long step_allocs;
static __thread int is_step = -1;
static inline void note(void) {
  if (is_step != 1) { char n[16] = {0}; prctl(PR_GET_NAME, n); is_step = strncmp(n, "bench-step", 10) == 0; }
  if (is_step) __atomic_fetch_add(&step_allocs, 1, __ATOMIC_RELAXED);
}
void *malloc(size_t s) { note(); return __libc_malloc(s); }
void *calloc(size_t a, size_t b) { note(); return __libc_calloc(a, b); }
void *realloc(void *p, size_t s) { note(); return __libc_realloc(p, s); }
__attribute__((destructor)) static void report(void) { fprintf(stderr, "ALLOCS on bench-step thread: %lu\n", step_allocs); }
