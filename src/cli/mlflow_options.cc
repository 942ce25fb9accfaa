#include "cli/mlflow_options.h"

#include <cstdlib>

namespace ntscada {
namespace {

std::string environment(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

}  // namespace

void add_mlflow_options(CLI::App& command, mlflow_arguments& args) {
  command
      .add_option("--mlflow-uri", args.tracking_uri,
                  "MLflow tracking server, http://host:port[/prefix]; empty "
                  "for none. Credentials come from NTSCADA_MLFLOW_TOKEN or "
                  "NTSCADA_MLFLOW_USERNAME and NTSCADA_MLFLOW_PASSWORD")
      ->envname("NTSCADA_MLFLOW_TRACKING_URI");
  command.add_option("--mlflow-experiment", args.experiment,
                     "MLflow experiment that holds the training runs");
}

result<std::optional<mlflow_client>, std::string> make_mlflow_client(
    const mlflow_arguments& args) {
  if (args.tracking_uri.empty()) return std::optional<mlflow_client>();
  mlflow_client_config config;
  config.tracking_uri = args.tracking_uri;
  config.bearer_token = environment("NTSCADA_MLFLOW_TOKEN");
  config.username = environment("NTSCADA_MLFLOW_USERNAME");
  config.password = environment("NTSCADA_MLFLOW_PASSWORD");
  auto client = mlflow_client::create(std::move(config));
  if (!client) return failure{"--mlflow-uri: " + client.error()};
  return std::optional<mlflow_client>(std::move(client.value()));
}

}  // namespace ntscada
