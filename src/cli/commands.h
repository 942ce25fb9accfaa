#pragma once

#include <CLI/CLI.hpp>

namespace ntscada {

// Each function registers one subcommand on `app`; the subcommand's
// callback runs the command and exits the process with its status.
void add_broker_command(CLI::App& app);
void add_stream_command(CLI::App& app);
void add_replay_command(CLI::App& app);
void add_simulate_command(CLI::App& app);
void add_demo_command(CLI::App& app);
void add_ingest_command(CLI::App& app);
void add_import_command(CLI::App& app);
void add_train_command(CLI::App& app);
void add_evaluate_command(CLI::App& app);
void add_models_command(CLI::App& app);
// Must be added last, because `config show` reads every other command's
// settings.
void add_config_command(CLI::App& app);

}  // namespace ntscada
