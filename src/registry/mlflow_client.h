#pragma once

#include <chrono>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/result.h"

namespace ntscada {

// Retry policy for one MLflow call. Connection errors, timeouts and 5xx
// responses are retried; 4xx responses never are. The delay before retry n
// (n = 1, 2, ...) is drawn uniformly from [d/2, d], where
// d = min(max_backoff, initial_backoff * multiplier^(n-1)).
struct mlflow_retry_policy {
  // Total number of requests per call, the first one included. At least 1.
  int max_attempts = 4;
  std::chrono::milliseconds initial_backoff{200};
  std::chrono::milliseconds max_backoff{5000};
  double multiplier = 2.0;
};

struct mlflow_client_config {
  // NOTE: https is passed to httplib but untested here.
  // "http://host:port" or "https://host:port", optionally followed by a
  // path prefix such as "/mlflow" under which the server mounts its API.
  // Credentials in the URI are rejected, because they would end up in
  // error messages; use the fields below.
  std::string tracking_uri;
  // Sent as "Authorization: Bearer <token>" when not empty.
  std::string bearer_token;
  // Sent as HTTP basic authentication when `username` is not empty.
  // Ignored when `bearer_token` is set.
  std::string username;
  std::string password;
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds read_timeout{30000};
  std::chrono::milliseconds write_timeout{30000};
  mlflow_retry_policy retry;
};

struct mlflow_param {
  std::string key;
  std::string value;
};

// One metric point. NaN and infinities are sent as the strings "NaN",
// "Infinity" and "-Infinity", which MLflow accepts for a double field.
struct mlflow_metric {
  std::string key;
  double value = 0.0;
  std::int64_t timestamp_ms = 0;
  std::int64_t step = 0;
};

// A model version as MLflow returns it. `version` keeps MLflow's decimal
// string; compare versions with compare_model_versions().
struct mlflow_model_version {
  std::string name;
  std::string version;
  std::string source;
  std::string run_id;
  // "READY", "PENDING_REGISTRATION" or "FAILED_REGISTRATION".
  std::string status;
  std::string current_stage;
  std::string description;
  std::int64_t creation_timestamp_ms = 0;
  // Empty when the response has no "aliases" key. MLflow leaves the key out
  // when the version has no alias and in get-latest-versions responses.
  std::vector<std::string> aliases;

  bool is_ready() const { return status == "READY"; }
};

// Parses an MLflow model version ("1", "10", ...) as a positive integer.
result<std::uint64_t, std::string> parse_model_version(std::string_view text);

// Orders two model versions by their integer value, so that "9" < "10".
// Fails when either is not a positive decimal integer.
result<std::strong_ordering, std::string> compare_model_versions(
    std::string_view left, std::string_view right);

// Client for the MLflow 2.x REST API: tracking, the artifact proxy
// (`mlflow server --serve-artifacts`) and the model registry. Each call
// opens its own connection, so one client may be shared between threads.
// Every error message names the operation, the HTTP method and path, and
// either the HTTP status with MLflow's error_code and message or the
// transport error. The bearer token and the password never appear in
// error messages or logs.
class mlflow_client {
 public:
  // Validates `config` and returns a client. Fails on a malformed tracking
  // URI or retry policy. Opens no connection.
  static result<mlflow_client, std::string> create(mlflow_client_config config);

  // Returns the tracking URI as configured, which never contains credentials.
  const std::string& tracking_uri() const { return config_.tracking_uri; }

  // Returns the id of the experiment named `name`, creating it when it does
  // not exist. A concurrent creation by another client is handled.
  result<std::string, std::string> get_or_create_experiment(
      std::string_view name);

  // Starts a run in `experiment_id` and returns its run id.
  result<std::string, std::string> create_run(std::string_view experiment_id,
                                              std::string_view run_name,
                                              std::int64_t start_time_ms);

  // Logs params and metrics in one request. MLflow rejects a param whose
  // key was already logged with a different value.
  result<std::monostate, std::string> log_batch(
      std::string_view run_id, const std::vector<mlflow_param>& params,
      const std::vector<mlflow_metric>& metrics);

  // Ends a run. `status` is "FINISHED", "FAILED" or "KILLED".
  result<std::monostate, std::string> set_run_terminated(
      std::string_view run_id, std::string_view status,
      std::int64_t end_time_ms);

  // Stores `content` as artifact `artifact_path` (relative, "/"-separated)
  // of the run, through the artifact proxy.
  result<std::monostate, std::string> upload_artifact(
      std::string_view experiment_id, std::string_view run_id,
      std::string_view artifact_path, std::string_view content);

  // Returns the bytes of an artifact stored by upload_artifact(). MLflow
  // returns 500 INTERNAL_ERROR for a missing artifact, which is retried like
  // any 5xx before the call fails.
  result<std::string, std::string> download_artifact(
      std::string_view experiment_id, std::string_view run_id,
      std::string_view artifact_path);

  // Creates a registered model. An existing model of that name counts as
  // success.
  result<std::monostate, std::string> create_registered_model(
      std::string_view name);

  // Registers the run artifact `artifact_path` as a new version of model
  // `name`, with source "mlflow-artifacts:/<experiment>/<run>/artifacts/
  // <artifact_path>".
  result<mlflow_model_version, std::string> create_model_version(
      std::string_view name, std::string_view experiment_id,
      std::string_view run_id, std::string_view artifact_path);

  result<mlflow_model_version, std::string> get_model_version(
      std::string_view name, std::string_view version);

  // Returns every version of model `name`, following page tokens, sorted by
  // ascending integer version.
  result<std::vector<mlflow_model_version>, std::string> search_model_versions(
      std::string_view name);

  // Points `alias` of model `name` at `version`, moving it if it exists.
  result<std::monostate, std::string> set_model_alias(std::string_view name,
                                                      std::string_view alias,
                                                      std::string_view version);

  // Returns the version that `alias` points at. MLflow returns 400
  // INVALID_PARAMETER_VALUE, not 404, for a missing alias.
  result<mlflow_model_version, std::string> get_model_version_by_alias(
      std::string_view name, std::string_view alias);

  result<std::monostate, std::string> delete_model_alias(
      std::string_view name, std::string_view alias);

 private:
  struct http_response {
    int status = 0;
    std::string content_type;
    std::string body;
  };

  explicit mlflow_client(mlflow_client_config config);

  // Sends one request with retries. Returns the response when the status is
  // 2xx, and otherwise an error naming `operation`.
  result<http_response, std::string> send(std::string_view operation,
                                          std::string_view method,
                                          const std::string& path,
                                          const std::string& body,
                                          std::string_view content_type) const;
  // Like send(), but also returns 4xx responses so the caller can accept a
  // given error_code. Retried failures are still errors.
  result<http_response, std::string> send_allowing_client_error(
      std::string_view operation, std::string_view method,
      const std::string& path, const std::string& body,
      std::string_view content_type) const;

  std::string api_path(std::string_view endpoint) const;
  std::string artifact_path(std::string_view experiment_id,
                            std::string_view run_id,
                            std::string_view artifact_path) const;
  std::string redact(std::string text) const;

  mlflow_client_config config_;
  // "scheme://host[:port]" of the tracking URI.
  std::string origin_;
  // Path prefix of the tracking URI without a trailing '/', or empty.
  std::string path_prefix_;
};

}  // namespace ntscada
