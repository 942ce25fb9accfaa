#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "registry/mlflow_client.h"

namespace ntscada {

// MLflow connection settings of a command. The credentials should come
// from the environment (NTSCADA_MLFLOW_TOKEN, or NTSCADA_MLFLOW_USERNAME
// and NTSCADA_MLFLOW_PASSWORD) or the configuration file, so they never
// show in the process list.
struct mlflow_arguments {
  std::string tracking_uri;
  std::string experiment = "ntscada";
  std::string token;
  std::string username;
  std::string password;
};

// Adds --mlflow-uri and --mlflow-experiment, and hidden options for the
// credentials so that the configuration file and the environment
// (mlflow.token, mlflow.username, mlflow.password) can set them.
void add_mlflow_options(CLI::App& command, mlflow_arguments& args);

// The flags of add_mlflow_options with their configuration keys, and the
// secret keys among them.
std::vector<std::pair<std::string, std::string>> mlflow_setting_keys();
std::vector<std::string> mlflow_secret_keys();

// Returns a client, or an empty optional when no tracking URI is set.
// Fails on an invalid URI.
result<std::optional<mlflow_client>, std::string> make_mlflow_client(
    const mlflow_arguments& args);

}  // namespace ntscada
