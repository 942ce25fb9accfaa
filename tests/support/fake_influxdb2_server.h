#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ntscada::testing {

// One request as the fake InfluxDB server received it, with the decoded
// query parameters and the body after gzip decompression.
struct influx_request {
  std::string method;
  std::string path;
  std::vector<std::pair<std::string, std::string>> params;
  std::string authorization;
  std::string content_encoding;
  std::string body;

  // Returns the first value of parameter `name`, or "".
  std::string param(std::string_view name) const;
};

// In-process stand-in for the parts of an InfluxDB 2.x server that
// influx_client uses, on 127.0.0.1 at a free port: POST /api/v2/write
// (204, or 400 when org, bucket or precision is missing) and GET /query
// (the 1.x compatibility endpoint, responding with the configured chunked
// body). Every request needs "Authorization: Token <token>", else 401 with
// InfluxDB 2.x's JSON error body.
class fake_influxdb2_server {
 public:
  // Starts serving. Throws std::runtime_error when no port can be bound.
  explicit fake_influxdb2_server(std::string token);
  ~fake_influxdb2_server();
  fake_influxdb2_server(const fake_influxdb2_server&) = delete;
  fake_influxdb2_server& operator=(const fake_influxdb2_server&) = delete;

  std::string url() const;

  // Responds to the next write with `status`, a JSON error body with `message`
  // and, when not empty, a Retry-After header.
  void fail_next_write(int status, std::string message,
                       std::string retry_after = {});
  // Responds to every gzip-compressed write with 415 Unsupported Media Type.
  void reject_gzip();
  // The body of every /query response.
  void set_query_response(std::string body);

  std::vector<influx_request> requests() const;

 private:
  struct state;
  std::unique_ptr<state> state_;
};

}  // namespace ntscada::testing
