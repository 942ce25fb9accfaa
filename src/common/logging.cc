#include "common/logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

namespace ntscada {
namespace {

std::mutex registry_mutex;
spdlog::sink_ptr shared_sink;
std::string pattern = "%Y-%m-%dT%H:%M:%S.%eZ %l %n: %v";

spdlog::sink_ptr sink() {
  if (!shared_sink) {
    shared_sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  }
  return shared_sink;
}

}  // namespace

void configure_logging(std::string_view level, log_format format) {
  std::lock_guard lock(registry_mutex);
  if (format == log_format::json) {
    // The message is inserted raw: module code writes name=value pairs with
    // no quotes, which keeps the line valid JSON only for such text.
    // NOTE: a message holding '"' or '\' breaks the JSON line; escaping needs
    // a custom spdlog formatter flag.
    pattern =
        R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","logger":"%n","message":"%v"})";
  }
  spdlog::set_level(spdlog::level::from_str(std::string(level)));
  auto s = sink();
  s->set_formatter(std::make_unique<spdlog::pattern_formatter>(
      pattern, spdlog::pattern_time_type::utc));
  spdlog::apply_all([&](std::shared_ptr<spdlog::logger> logger) {
    logger->set_level(spdlog::get_level());
  });
}

std::shared_ptr<spdlog::logger> module_logger(std::string_view name) {
  std::lock_guard lock(registry_mutex);
  std::string key(name);
  if (auto existing = spdlog::get(key)) return existing;
  auto s = sink();
  s->set_formatter(std::make_unique<spdlog::pattern_formatter>(
      pattern, spdlog::pattern_time_type::utc));
  auto logger = std::make_shared<spdlog::logger>(key, s);
  logger->set_level(spdlog::get_level());
  spdlog::register_logger(logger);
  return logger;
}

log_rate_limiter::log_rate_limiter(std::chrono::steady_clock::duration interval)
    : interval_(interval) {}

bool log_rate_limiter::allow(std::uint64_t& suppressed) {
  std::lock_guard lock(mutex_);
  auto now = std::chrono::steady_clock::now();
  if (now < next_allowed_) {
    ++suppressed_;
    return false;
  }
  next_allowed_ = now + interval_;
  suppressed = suppressed_;
  suppressed_ = 0;
  return true;
}

}  // namespace ntscada
