#include <CLI/CLI.hpp>
#include <cstdlib>
#include <string>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/settings.h"
#include "common/logging.h"

int main(int argc, char** argv) {
  CLI::App app{"NT-SCADA: real-time scoring of industrial sensor readings"};
  app.require_subcommand(1);
  app.option_defaults()->always_capture_default();
  std::string log_level = "info";
  std::string log_format = "text";
  app.add_option("--log-level", log_level,
                 "Log level: trace, debug, info, warn, error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
  app.add_option("--log-format", log_format, "Log line format: text or json")
      ->check(CLI::IsMember({"text", "json"}));
  std::string config_file;
  app.add_option("--config", config_file,
                 "TOML configuration file; settings from the environment "
                 "(NTSCADA_SECTION_NAME) and flags override it")
      ->envname("NTSCADA_CONFIG");
  app.parse_complete_callback([&] {
    ntscada::set_config_file(config_file);
    ntscada::configure_logging(log_level, log_format == "json"
                                              ? ntscada::log_format::json
                                              : ntscada::log_format::text);
  });

  ntscada::add_broker_command(app);
  ntscada::add_stream_command(app);
  ntscada::add_replay_command(app);
  ntscada::add_simulate_command(app);
  ntscada::add_demo_command(app);
  ntscada::add_ingest_command(app);
  ntscada::add_import_command(app);
  ntscada::add_train_command(app);
  ntscada::add_evaluate_command(app);
  ntscada::add_models_command(app);
  ntscada::add_config_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    int code = app.exit(error);
    // A value that an option rejects is a configuration error, whatever
    // its source; anything else on the command line is a usage error.
    if (dynamic_cast<const CLI::ValidationError*>(&error) != nullptr ||
        dynamic_cast<const CLI::ConversionError*>(&error) != nullptr) {
      return ntscada::kExitConfig;
    }
    return code == 0 ? EXIT_SUCCESS : ntscada::kExitUsage;
  }
  return EXIT_SUCCESS;
}
