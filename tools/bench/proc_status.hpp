#pragma once
// A process's resident memory as Linux reports it (/proc/PID/status, VmRSS):
// what the relay benchmark compares between servers. Linux only, like the bench.
#include <cstdint>
#include <sys/types.h>

namespace tessera::bench {

// VmRSS of pid in bytes; 0 if the process or the line is not there.
[[nodiscard]] std::uint64_t process_rss_bytes(pid_t pid);

}  // namespace tessera::bench

namespace tessera::bench {

// User + system CPU time pid has used, in seconds (/proc/PID/stat); 0 if unknown.
[[nodiscard]] double process_cpu_seconds(pid_t pid);

}  // namespace tessera::bench
