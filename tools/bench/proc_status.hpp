#pragma once
// What Linux reports about a process (/proc/PID/status and /proc/PID/stat):
// the relay benchmark compares servers' resident memory and CPU time. Linux
// only, like the benchmark.
#include <cstdint>
#include <sys/types.h>

namespace tessera::bench {

// VmRSS of pid in bytes; 0 if the process or the line is not there.
[[nodiscard]] std::uint64_t process_rss_bytes(pid_t pid);

// User + system CPU time pid has used, in seconds; 0 if unknown.
[[nodiscard]] double process_cpu_seconds(pid_t pid);

}  // namespace tessera::bench
