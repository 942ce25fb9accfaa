#include "kafka/client_config.h"

#include <fmt/format.h>

#include "common/logging.h"

namespace ntscada {
namespace {

log_rate_limiter& error_limiter() {
  static log_rate_limiter limiter;
  return limiter;
}

void on_error(rd_kafka_t* handle, int error, const char* reason, void*) {
  auto code = static_cast<rd_kafka_resp_err_t>(error);
  auto logger = module_logger("kafka");
  if (code == RD_KAFKA_RESP_ERR__FATAL) {
    char fatal[512];
    rd_kafka_fatal_error(handle, fatal, sizeof fatal);
    logger->error("client={} fatal error: {}", rd_kafka_name(handle), fatal);
    return;
  }
  std::uint64_t suppressed = 0;
  if (error_limiter().allow(suppressed)) {
    // Connection errors are retried by librdkafka with backoff
    // (reconnect.backoff.ms up to reconnect.backoff.max.ms).
    logger->warn(
        "client={} error={} reason={} (retrying; {} similar errors "
        "suppressed)",
        rd_kafka_name(handle), rd_kafka_err2name(code), reason, suppressed);
  }
}

void on_log(const rd_kafka_t* handle, int level, const char* facility,
            const char* message) {
  auto logger = module_logger("kafka");
  // syslog levels: 0-4 warning (librdkafka logs the connection failures it
  // retries at level 3), 5-6 info, 7 debug. Warnings are rate-limited.
  auto spd_level = level <= 4   ? spdlog::level::warn
                   : level <= 6 ? spdlog::level::info
                                : spdlog::level::debug;
  static log_rate_limiter limiter;
  std::uint64_t suppressed = 0;
  if (spd_level == spdlog::level::warn && !limiter.allow(suppressed)) return;
  logger->log(spd_level, "client={} {}: {}", rd_kafka_name(handle), facility,
              message);
}

}  // namespace

bool is_secret_property(const std::string& name) {
  return name.find("password") != std::string::npos ||
         name.find("secret") != std::string::npos ||
         name.find("token") != std::string::npos;
}

result<kafka_conf_ptr, std::string> make_kafka_conf(
    const kafka_properties& properties) {
  kafka_conf_ptr conf(rd_kafka_conf_new());
  char error[512];
  for (const auto& [name, value] : properties) {
    if (rd_kafka_conf_set(conf.get(), name.c_str(), value.c_str(), error,
                          sizeof error) != RD_KAFKA_CONF_OK) {
      std::string shown = is_secret_property(name) ? "(redacted)" : value;
      return failure{fmt::format("kafka property {}={} is invalid: {}", name,
                                 shown, error)};
    }
  }
  rd_kafka_conf_set_error_cb(conf.get(), on_error);
  rd_kafka_conf_set_log_cb(conf.get(), on_log);
  return conf;
}

}  // namespace ntscada
