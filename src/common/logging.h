#pragma once

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>

namespace ntscada {

enum class log_format { text, json };

// Configures the process-wide log sink on stderr: one line per event with
// time, level and logger name. Call once at start-up, before other threads
// log. `level` is an spdlog level name ("info", "debug", ...).
void configure_logging(std::string_view level, log_format format);

// Returns the named logger for a module ("stream", "kafka", ...), creating
// it on first use. Thread-safe.
std::shared_ptr<spdlog::logger> module_logger(std::string_view name);

// Lets a repeated event through at most once per interval and counts what
// it held back, so that a flood of identical errors costs one log line per
// interval. Thread-safe.
class log_rate_limiter {
 public:
  explicit log_rate_limiter(
      std::chrono::steady_clock::duration interval = std::chrono::seconds(10));

  // Returns true when the caller should log now. `suppressed` receives the
  // number of events held back since the last line that went through.
  bool allow(std::uint64_t& suppressed);

 private:
  std::mutex mutex_;
  std::chrono::steady_clock::duration interval_;
  std::chrono::steady_clock::time_point next_allowed_{};
  std::uint64_t suppressed_ = 0;
};

}  // namespace ntscada
