#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "influx/influx_config.h"
#include "influx/query_response_reader.h"

namespace ntscada {

// A failed InfluxDB request.
struct influx_error {
  enum class kind {
    // No HTTP response: connection refused or reset, or a timeout.
    transport,
    // An HTTP status other than 2xx.
    http,
    // A 2xx response whose body could not be used, or a handler error.
    response,
  };

  kind type = kind::transport;
  // The HTTP status for kind::http, else 0.
  int status = 0;
  // The server's error message (the "error" or "message" member of its
  // JSON body), or the transport error. Never contains a secret.
  std::string message;
  // From a Retry-After header, in seconds or as an HTTP date.
  std::optional<std::chrono::milliseconds> retry_after;

  // True for transport errors, 408, 429 and 5xx: the same request may
  // succeed later.
  bool retryable() const;
  // True for 401, 403 and 404 (database or bucket not found): every
  // request to this target gets the same response until someone changes the
  // server or the configuration.
  bool configuration_error() const;
  // A one-line description such as "HTTP 400: unable to parse ...".
  std::string describe() const;
};

// A client for one InfluxDB database (1.x) or bucket (2.x) over HTTP,
// with cpp-httplib. Writes line protocol with precision "ns", gzip-
// compressed unless turned off, and reads with InfluxQL through /query in
// chunks. The client keeps one keep-alive connection and does not retry;
// callers decide (see influx_error::retryable).
//
// Secrets: the password and token go into the Authorization header only and
// never into a URL, a message or a log line.
//
// Thread safety: one instance must not be used by two threads at once.
class influx_client {
 public:
  // Validates `config`. Opens no connection.
  static result<std::unique_ptr<influx_client>, std::string> create(
      influx_config config);
  ~influx_client();
  influx_client(const influx_client&) = delete;
  influx_client& operator=(const influx_client&) = delete;

  // Sends GET /ping and succeeds when the server responds with 204.
  result<bool, influx_error> ping();

  // Sends `lines` (complete lines, each ending in a line feed) in one
  // request to /write (1.x) or /api/v2/write (2.x). In automatic
  // compression mode, a 415 response to a gzip body turns compression off for
  // this client and the request is sent again once, uncompressed.
  result<bool, influx_error> write(std::string_view lines);

  // Runs an InfluxQL query (SELECT or SHOW) with GET /query, timestamps as
  // integer nanoseconds (epoch=ns), in chunks of config().query_chunk_size
  // rows, and hands each series chunk to `handler` as it arrives. A handler
  // failure cancels the request and is returned as kind::response.
  result<bool, influx_error> query(
      std::string_view influxql,
      const query_response_reader::chunk_handler& handler);

  // Runs a statement that changes the server, such as CREATE DATABASE or
  // CREATE USER, with POST /query. `database` may be empty.
  result<bool, influx_error> execute(std::string_view influxql,
                                     std::string_view database = {});

  const influx_config& config() const { return config_; }
  // False after the server rejected gzip in automatic mode.
  bool compressing() const { return compress_; }
  // Bytes sent as write bodies, after compression.
  std::uint64_t bytes_written() const { return bytes_written_; }

 private:
  struct transport;

  influx_client(influx_config config, std::unique_ptr<transport> http);
  result<bool, influx_error> send_write(std::string_view lines, bool gzip);

  influx_config config_;
  std::string path_prefix_;
  std::unique_ptr<transport> http_;
  bool compress_ = true;
  std::uint64_t bytes_written_ = 0;
};

// Percent-encodes `text` for a URL query parameter (RFC 3986 unreserved
// characters stay as they are).
std::string percent_encode(std::string_view text);

// Parses a Retry-After header value: delay seconds or an HTTP date
// ("Fri, 04 Dec 2026 19:16:28 GMT"). Dates in the past give 0.
std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now);

}  // namespace ntscada
