#include "influx/influx_client.h"

#include <fmt/format.h>
#include <httplib.h>
#include <simdjson.h>

#include <cctype>
#include <ctime>

#include "common/logging.h"
#include "influx/gzip.h"

namespace ntscada {
namespace {

std::shared_ptr<spdlog::logger> logger() {
  static auto instance = module_logger("influx");
  return instance;
}

// Bytes of an error response body kept for the message.
constexpr std::size_t kMaxErrorBody = 64 * 1024;
// Characters of a non-JSON error body quoted in a message.
constexpr std::size_t kMaxQuotedBody = 512;

template <class Duration>
void set_timeout(httplib::Client& client,
                 void (httplib::Client::*setter)(time_t, time_t),
                 Duration duration) {
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(duration);
  (client.*setter)(static_cast<time_t>(micros.count() / 1000000),
                   static_cast<time_t>(micros.count() % 1000000));
}

// Returns the server's message from an error body: "error" (1.x) or
// "message" (2.x) of a JSON object, else the start of the body.
std::string server_message(std::string_view body, std::string_view header) {
  simdjson::dom::parser parser;
  simdjson::dom::element document;
  if (!body.empty() && parser.parse(body.data(), body.size()).get(document) ==
                           simdjson::SUCCESS) {
    std::string_view text;
    if (document["error"].get(text) == simdjson::SUCCESS) {
      return std::string(text);
    }
    if (document["message"].get(text) == simdjson::SUCCESS) {
      return std::string(text);
    }
  }
  if (!header.empty()) return std::string(header);
  std::string quoted(body.substr(0, kMaxQuotedBody));
  while (!quoted.empty() &&
         std::isspace(static_cast<unsigned char>(quoted.back()))) {
    quoted.pop_back();
  }
  return quoted.empty() ? std::string("(empty response body)") : quoted;
}

}  // namespace

bool influx_error::retryable() const {
  switch (type) {
    case kind::transport:
      return true;
    case kind::http:
      return status == 408 || status == 429 || status >= 500;
    case kind::response:
      return false;
  }
  return false;
}

bool influx_error::configuration_error() const {
  return type == kind::http &&
         (status == 401 || status == 403 || status == 404);
}

std::string influx_error::describe() const {
  if (type == kind::http) return fmt::format("HTTP {}: {}", status, message);
  return message;
}

std::string percent_encode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(c);
    } else {
      fmt::format_to(std::back_inserter(out), "%{:02X}", byte);
    }
  }
  return out;
}

std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  bool digits = true;
  for (char c : value)
    digits = digits && std::isdigit(static_cast<unsigned char>(c));
  if (digits) {
    if (value.size() > 9) return std::nullopt;
    return std::chrono::seconds(std::stoll(std::string(value)));
  }
  std::tm parts{};
  std::string text(value);
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &parts);
  if (end == nullptr || *end != '\0') return std::nullopt;
  auto at = std::chrono::system_clock::from_time_t(timegm(&parts));
  if (at <= now) return std::chrono::milliseconds(0);
  return std::chrono::duration_cast<std::chrono::milliseconds>(at - now);
}

struct influx_client::transport {
  explicit transport(const std::string& origin) : client(origin) {}
  httplib::Client client;
};

result<std::unique_ptr<influx_client>, std::string> influx_client::create(
    influx_config config) {
  auto valid = config.validate();
  if (!valid) return failure{valid.error()};
  auto url = parse_influx_url(config.url);
  if (!url) return failure{url.error()};

  auto http = std::make_unique<transport>(url->origin);
  httplib::Client& client = http->client;
  set_timeout(client, &httplib::Client::set_connection_timeout,
              config.connect_timeout);
  set_timeout(client, &httplib::Client::set_read_timeout, config.read_timeout);
  set_timeout(client, &httplib::Client::set_write_timeout,
              config.write_timeout);
  client.set_keep_alive(true);
  // Query strings are percent-encoded here.
  client.set_url_encode(false);
  // Responses to "Accept-Encoding: gzip" are decompressed as they stream.
  client.set_decompress(true);
  client.set_compress(false);
  if (config.api == influx_api::v2) {
    client.set_default_headers({{"Authorization", "Token " + config.token}});
  } else if (!config.username.empty()) {
    client.set_basic_auth(config.username, config.password);
  }

  std::unique_ptr<influx_client> created(
      new influx_client(std::move(config), std::move(http)));
  created->path_prefix_ = url->path_prefix;
  return created;
}

influx_client::influx_client(influx_config config,
                             std::unique_ptr<transport> http)
    : config_(std::move(config)),
      http_(std::move(http)),
      compress_(config_.compression != influx_compression::none) {}

influx_client::~influx_client() = default;

namespace {

influx_error transport_error(httplib::Error error, const influx_config& config,
                             std::string_view action) {
  influx_error failed;
  failed.type = error == httplib::Error::Canceled
                    ? influx_error::kind::response
                    : influx_error::kind::transport;
  failed.message = fmt::format("{} {} failed: {}", action, config.url,
                               httplib::to_string(error));
  return failed;
}

influx_error http_error(const httplib::Response& response,
                        std::string_view body) {
  influx_error failed;
  failed.type = influx_error::kind::http;
  failed.status = response.status;
  failed.message =
      server_message(body, response.get_header_value("X-Influxdb-Error"));
  if (response.has_header("Retry-After")) {
    failed.retry_after =
        parse_retry_after(response.get_header_value("Retry-After"),
                          std::chrono::system_clock::now());
  }
  return failed;
}

}  // namespace

result<bool, influx_error> influx_client::ping() {
  httplib::Result response = http_->client.Get(path_prefix_ + "/ping");
  if (!response)
    return failure{transport_error(response.error(), config_, "GET /ping on")};
  if (response->status != 204 && response->status != 200) {
    return failure{http_error(response.value(), response->body)};
  }
  return true;
}

result<bool, influx_error> influx_client::write(std::string_view lines) {
  if (lines.empty()) return true;
  auto written = send_write(lines, compress_);
  if (!written && compress_ &&
      config_.compression == influx_compression::automatic &&
      written.error().type == influx_error::kind::http &&
      written.error().status == 415) {
    logger()->warn(
        "{} rejected a gzip-compressed write ({}); sending uncompressed "
        "from now on",
        config_.describe(), written.error().message);
    compress_ = false;
    written = send_write(lines, false);
  }
  return written;
}

result<bool, influx_error> influx_client::send_write(std::string_view lines,
                                                     bool gzip) {
  std::string path = path_prefix_;
  if (config_.api == influx_api::v1) {
    path += "/write?db=" + percent_encode(config_.database);
    if (!config_.retention_policy.empty()) {
      path += "&rp=" + percent_encode(config_.retention_policy);
    }
  } else {
    path += "/api/v2/write?org=" + percent_encode(config_.org) +
            "&bucket=" + percent_encode(config_.bucket);
  }
  path += "&precision=ns";

  httplib::Headers headers;
  std::string compressed;
  std::string_view body = lines;
  if (gzip) {
    auto packed = gzip_compress(lines);
    if (!packed) {
      influx_error failed;
      failed.type = influx_error::kind::response;
      failed.message = packed.error();
      return failure{failed};
    }
    compressed = std::move(packed.value());
    body = compressed;
    headers.emplace("Content-Encoding", "gzip");
  }
  httplib::Result response = http_->client.Post(
      path, headers, body.data(), body.size(), "text/plain; charset=utf-8");
  if (!response) {
    return failure{transport_error(response.error(), config_, "writing to")};
  }
  bytes_written_ += body.size();
  if (response->status / 100 != 2) {
    return failure{http_error(response.value(), response->body)};
  }
  return true;
}

result<bool, influx_error> influx_client::query(
    std::string_view influxql,
    const query_response_reader::chunk_handler& handler) {
  std::string path =
      path_prefix_ + "/query?db=" + percent_encode(config_.query_database());
  if (!config_.retention_policy.empty()) {
    path += "&rp=" + percent_encode(config_.retention_policy);
  }
  path += fmt::format("&epoch=ns&chunked=true&chunk_size={}&q={}",
                      config_.query_chunk_size, percent_encode(influxql));

  httplib::Headers headers{{"Accept", "application/json"}};
  if (config_.compression != influx_compression::none) {
    headers.emplace("Accept-Encoding", "gzip");
  }
  // A line contains at most one chunk; allow for long strings in its rows.
  std::size_t max_line =
      std::max<std::size_t>(64 * 1024 * 1024, config_.query_chunk_size * 4096);
  query_response_reader reader(handler, max_line);
  int status = 0;
  std::string error_body;
  std::optional<std::string> reader_error;
  httplib::Result response = http_->client.Get(
      path, headers,
      [&](const httplib::Response& head) {
        status = head.status;
        return true;
      },
      [&](const char* data, std::size_t size) {
        if (status != 200) {
          if (error_body.size() < kMaxErrorBody) error_body.append(data, size);
          return true;
        }
        auto fed = reader.feed(std::string_view(data, size));
        if (!fed) {
          reader_error = fed.error();
          return false;
        }
        return true;
      });
  if (reader_error) {
    influx_error failed;
    failed.type = influx_error::kind::response;
    failed.message = std::move(*reader_error);
    return failure{failed};
  }
  if (!response) {
    return failure{transport_error(response.error(), config_, "querying")};
  }
  if (response->status != 200) {
    return failure{http_error(response.value(), error_body)};
  }
  auto finished = reader.finish();
  if (!finished) {
    influx_error failed;
    failed.type = influx_error::kind::response;
    failed.message = finished.error();
    return failure{failed};
  }
  return true;
}

result<bool, influx_error> influx_client::execute(std::string_view influxql,
                                                  std::string_view database) {
  std::string path = path_prefix_ + "/query";
  std::string body = "q=" + percent_encode(influxql);
  if (!database.empty()) body += "&db=" + percent_encode(database);
  httplib::Result response =
      http_->client.Post(path, body, "application/x-www-form-urlencoded");
  if (!response) {
    return failure{transport_error(response.error(), config_, "querying")};
  }
  if (response->status != 200) {
    return failure{http_error(response.value(), response->body)};
  }
  query_response_reader reader(
      [](const influx_series_chunk&) -> result<bool, std::string> {
        return true;
      },
      kMaxErrorBody);
  auto parsed = reader.feed(response->body);
  if (parsed) parsed = reader.finish();
  if (!parsed) {
    influx_error failed;
    failed.type = influx_error::kind::response;
    failed.message = parsed.error();
    return failure{failed};
  }
  return true;
}

}  // namespace ntscada
