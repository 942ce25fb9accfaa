#include "influx/influx_config.h"

#include <fmt/format.h>

namespace ntscada {

std::string_view to_string(influx_api api) {
  return api == influx_api::v1 ? "v1" : "v2";
}

result<influx_api, std::string> parse_influx_api(std::string_view text) {
  if (text == "1" || text == "v1") return influx_api::v1;
  if (text == "2" || text == "v2") return influx_api::v2;
  return failure{fmt::format(
      "InfluxDB API version {:?} is invalid; expected v1 or v2", text)};
}

result<influx_url, std::string> parse_influx_url(std::string_view url) {
  auto scheme_end = url.find("://");
  std::string_view scheme =
      scheme_end == std::string_view::npos ? "" : url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") {
    return failure{fmt::format(
        "InfluxDB URL {:?} is invalid; expected http://host:port or "
        "https://host:port",
        url)};
  }
  std::string_view rest = url.substr(scheme_end + 3);
  auto path_start = rest.find('/');
  std::string_view authority = rest.substr(0, path_start);
  if (authority.find('@') != std::string_view::npos) {
    return failure{
        std::string("the InfluxDB URL contains credentials; pass them with the "
                    "username, password or token options instead")};
  }
  if (authority.empty()) {
    return failure{fmt::format("InfluxDB URL {:?} has no host", url)};
  }
  influx_url parsed;
  parsed.origin = fmt::format("{}://{}", scheme, authority);
  if (path_start != std::string_view::npos) {
    std::string_view path = rest.substr(path_start);
    while (!path.empty() && path.back() == '/') path.remove_suffix(1);
    if (path.find_first_of("?#") != std::string_view::npos) {
      return failure{
          fmt::format("InfluxDB URL {:?} has a query or fragment; pass only "
                      "scheme, host, port and an optional path prefix",
                      url)};
    }
    parsed.path_prefix = std::string(path);
  }
  return parsed;
}

result<bool, std::string> influx_config::validate() const {
  auto parsed = parse_influx_url(url);
  if (!parsed) return failure{parsed.error()};
  if (api == influx_api::v1) {
    if (database.empty()) {
      return failure{std::string(
          "no InfluxDB database given; pass --influx-database for an "
          "InfluxDB 1.x server")};
    }
  } else {
    if (org.empty() || bucket.empty() || token.empty()) {
      return failure{std::string(
          "InfluxDB 2.x needs an organisation, a bucket and a token; pass "
          "--influx-org, --influx-bucket and --influx-token (or set "
          "NTSCADA_INFLUX_TOKEN)")};
    }
  }
  if (query_chunk_size == 0) {
    return failure{std::string("the InfluxDB query chunk size is 0 rows")};
  }
  return true;
}

const std::string& influx_config::query_database() const {
  if (api == influx_api::v2 && database.empty()) return bucket;
  return database;
}

std::string influx_config::describe() const {
  std::string text = fmt::format("influxdb {} {}", to_string(api), url);
  if (api == influx_api::v1) {
    text += fmt::format(" db={}", database);
    if (!retention_policy.empty()) {
      text += fmt::format(" rp={}", retention_policy);
    }
    if (!username.empty()) text += fmt::format(" user={}", username);
  } else {
    text += fmt::format(" org={} bucket={}", org, bucket);
    if (!database.empty()) text += fmt::format(" db={}", database);
  }
  return text;
}

}  // namespace ntscada
