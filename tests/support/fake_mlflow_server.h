#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace ntscada {

// One request as the fake server received it.
struct recorded_request {
  std::string method;
  // Decoded path without the query string.
  std::string path;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // Returns the first value of header `name` (case-insensitive), or "".
  std::string header(std::string_view name) const;
};

// In-process stand-in for an MLflow 2.12 tracking server started with
// `--serve-artifacts`, listening on 127.0.0.1 at a free port. It keeps all
// state in memory and serves, under /api/2.0 and /ajax-api/2.0, the
// endpoints that mlflow_client uses plus runs/get: experiments/get-by-name
// and create, runs/create, log-batch, update and get, the artifact proxy
// PUT and GET, registered-models/create, model-versions/create, get and
// search (filter name='...' only), and registered-models/alias POST, GET
// and DELETE. Status codes, error codes and quirks follow recorded responses
// of a real server: 400 for a POST/PATCH/DELETE body without an
// application/json Content-Type, DELETE parameters read from the body only,
// 400 INVALID_PARAMETER_VALUE for a missing alias on GET, 500 for a missing
// artifact and an HTML 404 for an unknown path.
class fake_mlflow_server {
 public:
  // Starts serving. Throws std::runtime_error when no port can be bound.
  fake_mlflow_server();
  // Stops the server and joins its thread.
  ~fake_mlflow_server();
  fake_mlflow_server(const fake_mlflow_server&) = delete;
  fake_mlflow_server& operator=(const fake_mlflow_server&) = delete;

  int port() const;
  // "http://127.0.0.1:<port>".
  std::string tracking_uri() const;

  // Responds to the next `count` requests with `status` (500 or 503) and an
  // MLflow error body, before any other check. Such requests are recorded.
  void fail_next_requests(int count, int status);
  // Responds with 401 to every request whose Authorization header is not
  // "Bearer <token>". An empty token turns the check off.
  void require_bearer_token(std::string token);
  // Sets the status that model version `version` of `name` reports, such
  // as "PENDING_REGISTRATION". Returns false when there is no such version.
  bool set_version_status(const std::string& name, std::uint64_t version,
                          std::string status);
  // Waits `delay` before answering each request.
  void set_response_delay(std::chrono::milliseconds delay);

  std::vector<recorded_request> requests() const;
  void clear_requests();

 private:
  struct state;
  std::unique_ptr<state> state_;
};

}  // namespace ntscada
