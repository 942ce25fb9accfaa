#include "support/fake_influxdb2_server.h"

#include <fmt/format.h>
#include <httplib.h>

#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

#include "influx/gzip.h"

namespace ntscada::testing {

std::string influx_request::param(std::string_view name) const {
  for (const auto& [key, value] : params) {
    if (key == name) return value;
  }
  return {};
}

struct fake_influxdb2_server::state {
  std::string token;
  httplib::Server server;
  std::thread thread;
  int port = 0;

  mutable std::mutex mutex;
  std::vector<influx_request> requests;
  struct failure_plan {
    int status;
    std::string message;
    std::string retry_after;
  };
  std::optional<failure_plan> next_failure;
  bool reject_gzip = false;
  std::string query_response = "{\"results\":[{\"statement_id\":0}]}\n";
};

namespace {

void json_error(httplib::Response& response, int status, std::string_view code,
                std::string_view message) {
  response.status = status;
  response.set_content(
      fmt::format(R"({{"code":"{}","message":"{}"}})", code, message),
      "application/json; charset=utf-8");
}

}  // namespace

fake_influxdb2_server::fake_influxdb2_server(std::string token)
    : state_(std::make_unique<state>()) {
  state_->token = std::move(token);
  state* s = state_.get();
  auto record = [s](const httplib::Request& request) {
    influx_request seen;
    seen.method = request.method;
    seen.path = request.path;
    for (const auto& [key, value] : request.params) {
      seen.params.emplace_back(key, value);
    }
    seen.authorization = request.get_header_value("Authorization");
    seen.content_encoding = request.get_header_value("Content-Encoding");
    seen.body = request.body;
    std::lock_guard lock(s->mutex);
    s->requests.push_back(seen);
    return seen;
  };
  auto authorized = [s](const influx_request& seen,
                        httplib::Response& response) {
    if (seen.authorization == "Token " + s->token) return true;
    json_error(response, 401, "unauthorized", "unauthorized access");
    return false;
  };

  s->server.Post("/api/v2/write", [s, record, authorized](
                                      const httplib::Request& request,
                                      httplib::Response& response) {
    influx_request seen = record(request);
    if (!authorized(seen, response)) return;
    std::lock_guard lock(s->mutex);
    if (s->reject_gzip && seen.content_encoding == "gzip") {
      json_error(response, 415, "unsupported media type",
                 "gzip is not accepted here");
      return;
    }
    if (s->next_failure) {
      json_error(response, s->next_failure->status, "invalid",
                 s->next_failure->message);
      if (!s->next_failure->retry_after.empty()) {
        response.set_header("Retry-After", s->next_failure->retry_after);
      }
      s->next_failure.reset();
      return;
    }
    if (seen.param("org").empty() || seen.param("bucket").empty() ||
        seen.param("precision").empty()) {
      json_error(response, 400, "invalid", "org, bucket or precision missing");
      return;
    }
    response.status = 204;
  });
  s->server.Get("/query",
                [s, record, authorized](const httplib::Request& request,
                                        httplib::Response& response) {
                  influx_request seen = record(request);
                  if (!authorized(seen, response)) return;
                  std::lock_guard lock(s->mutex);
                  response.status = 200;
                  response.set_content(s->query_response, "application/json");
                });

  s->port = s->server.bind_to_any_port("127.0.0.1");
  if (s->port <= 0) {
    throw std::runtime_error("fake InfluxDB server: no port to bind");
  }
  s->thread = std::thread([s] { s->server.listen_after_bind(); });
  while (!s->server.is_running()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

fake_influxdb2_server::~fake_influxdb2_server() {
  state_->server.stop();
  if (state_->thread.joinable()) state_->thread.join();
}

std::string fake_influxdb2_server::url() const {
  return fmt::format("http://127.0.0.1:{}", state_->port);
}

void fake_influxdb2_server::fail_next_write(int status, std::string message,
                                            std::string retry_after) {
  std::lock_guard lock(state_->mutex);
  state_->next_failure =
      state::failure_plan{status, std::move(message), std::move(retry_after)};
}

void fake_influxdb2_server::reject_gzip() {
  std::lock_guard lock(state_->mutex);
  state_->reject_gzip = true;
}

void fake_influxdb2_server::set_query_response(std::string body) {
  std::lock_guard lock(state_->mutex);
  state_->query_response = std::move(body);
}

std::vector<influx_request> fake_influxdb2_server::requests() const {
  std::lock_guard lock(state_->mutex);
  std::vector<influx_request> copy = state_->requests;
  for (influx_request& request : copy) {
    if (request.content_encoding == "gzip") {
      // cpp-httplib may have decompressed the body already.
      auto unpacked = gzip_decompress(request.body);
      if (unpacked) request.body = std::move(unpacked.value());
    }
  }
  return copy;
}

}  // namespace ntscada::testing
