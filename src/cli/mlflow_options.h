#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "common/result.h"
#include "registry/mlflow_client.h"

namespace ntscada {

// MLflow connection settings of a command. The tracking URI and the
// experiment come from flags or the environment; the credentials come
// only from the environment, so they never show in the process list:
// NTSCADA_MLFLOW_TOKEN, or NTSCADA_MLFLOW_USERNAME and
// NTSCADA_MLFLOW_PASSWORD.
struct mlflow_arguments {
  std::string tracking_uri;
  std::string experiment = "ntscada";
};

// Adds --mlflow-uri (default: NTSCADA_MLFLOW_TRACKING_URI) and
// --mlflow-experiment.
void add_mlflow_options(CLI::App& command, mlflow_arguments& args);

// Returns a client, or an empty optional when no tracking URI is set.
// Fails on an invalid URI.
result<std::optional<mlflow_client>, std::string> make_mlflow_client(
    const mlflow_arguments& args);

}  // namespace ntscada
