#include "common/logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

namespace ntscada {
namespace {

std::mutex registry_mutex;
spdlog::sink_ptr shared_sink;
// %q is the message with control characters escaped, so no value can
// forge a second log line; %j is the message escaped for a JSON string.
std::string pattern = "%Y-%m-%dT%H:%M:%S.%eZ %l %n: %q";

// Writes the message with '"', '\\' (JSON only) and control characters
// escaped as in JSON strings.
class escaped_message final : public spdlog::custom_flag_formatter {
 public:
  explicit escaped_message(bool json) : json_(json) {}

  void format(const spdlog::details::log_msg& message, const std::tm&,
              spdlog::memory_buf_t& out) override {
    for (char c : message.payload) {
      auto byte = static_cast<unsigned char>(c);
      if (json_ && (c == '"' || c == '\\')) {
        out.push_back('\\');
        out.push_back(c);
      } else if (c == '\n') {
        out.append(std::string_view("\\n"));
      } else if (c == '\r') {
        out.append(std::string_view("\\r"));
      } else if (c == '\t') {
        out.append(std::string_view("\\t"));
      } else if (byte < 0x20 || byte == 0x7f) {
        fmt::format_to(std::back_inserter(out), "\\u{:04x}", byte);
      } else {
        out.push_back(c);
      }
    }
  }

  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<escaped_message>(json_);
  }

 private:
  bool json_;
};

std::unique_ptr<spdlog::formatter> make_formatter() {
  auto formatter = std::make_unique<spdlog::pattern_formatter>(
      spdlog::pattern_time_type::utc);
  formatter->add_flag<escaped_message>('q', false);
  formatter->add_flag<escaped_message>('j', true);
  formatter->set_pattern(pattern);
  return formatter;
}

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
    pattern =
        R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","logger":"%n","message":"%j"})";
  }
  spdlog::set_level(spdlog::level::from_str(std::string(level)));
  auto s = sink();
  s->set_formatter(make_formatter());
  spdlog::apply_all([&](std::shared_ptr<spdlog::logger> logger) {
    logger->set_level(spdlog::get_level());
  });
}

std::shared_ptr<spdlog::logger> module_logger(std::string_view name) {
  std::lock_guard lock(registry_mutex);
  std::string key(name);
  if (auto existing = spdlog::get(key)) return existing;
  auto s = sink();
  s->set_formatter(make_formatter());
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
