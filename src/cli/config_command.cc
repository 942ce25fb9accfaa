#include <fmt/format.h>

#include <cstdlib>
#include <iostream>
#include <map>

#include "cli/commands.h"
#include "cli/settings.h"
#include "common/logging.h"

namespace ntscada {
namespace {

// Quotes a value for the TOML-like listing of `config show`.
std::string toml_quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

// Applies the file and the environment to every command's settings and
// prints the effective value of each key once, grouped by section, with
// where it came from.
int show_configuration() {
  std::map<std::string, effective_setting> effective;
  for (command_settings* settings : all_command_settings()) {
    auto applied = settings->apply();
    if (!applied) {
      module_logger("config")->error("{}", applied.error());
      return kExitConfig;
    }
    for (effective_setting& setting : settings->effective()) {
      effective.try_emplace(setting.key, std::move(setting));
    }
  }
  std::cout << fmt::format("# effective configuration; file: {}\n",
                           config_file().empty() ? "none" : config_file());
  std::string section;
  for (const auto& [key, setting] : effective) {
    std::string prefix = key.substr(0, key.find('.'));
    if (key.starts_with("kafka.properties.")) prefix = "kafka.properties";
    if (prefix != section) {
      section = prefix;
      std::cout << fmt::format("\n[{}]\n", section);
    }
    std::string name = key.substr(section.size() + 1);
    if (section == "kafka.properties") name = toml_quoted(name);
    std::cout << fmt::format(
        "{} = {}  # {}{}\n", name, toml_quoted(setting.text),
        to_string(setting.source),
        setting.source == setting_source::default_value ? ""
                                                        : " " + setting.origin);
  }
  return EXIT_SUCCESS;
}

// Escapes a table cell of the Markdown reference.
std::string cell(std::string text) {
  std::string out;
  for (char c : text) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n')
      out += ' ';
    else
      out.push_back(c);
  }
  return out;
}

int print_reference() {
  std::cout << "| key | environment | default | flags | meaning |\n"
               "|---|---|---|---|---|\n";
  for (const auto& [key, setting] : known_settings()) {
    std::string flags;
    for (const std::string& flag : setting.flags) {
      flags += (flags.empty() ? "" : ", ") + fmt::format("`{}`", flag);
    }
    std::string default_text = setting.default_text.empty()
                                   ? "(empty)"
                                   : fmt::format("`{}`", setting.default_text);
    if (setting.secret) default_text += " (secret)";
    std::cout << fmt::format("| `{}` | `{}` | {} | {} | {} |\n", key,
                             environment_name(key), cell(default_text), flags,
                             cell(setting.description));
  }
  std::cout << "| `kafka.properties.NAME` | `NTSCADA_KAFKA_PROPERTY_NAME` "
               "| (none) | `--consumer-property`, `--producer-property` | "
               "Any librdkafka property, passed to the consumer and the "
               "producer of `stream` and `ingest`; in the variable name, "
               "'_' stands for '.'. |\n";
  return EXIT_SUCCESS;
}

}  // namespace

void add_config_command(CLI::App& app) {
  CLI::App* config = app.add_subcommand(
      "config",
      "Show the effective configuration or the reference of every setting.");
  config->require_subcommand(1);
  config
      ->add_subcommand("show",
                       "Print every setting's effective value and its source "
                       "(default, file, environment), secrets redacted")
      ->callback([] { std::exit(show_configuration()); });
  config
      ->add_subcommand("reference",
                       "Print the reference of every setting as a Markdown "
                       "table")
      ->callback([] { std::exit(print_reference()); });
}

}  // namespace ntscada
