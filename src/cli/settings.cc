#include "cli/settings.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

#include "common/logging.h"

namespace ntscada {
namespace {

std::string& config_path() {
  static std::string path;
  return path;
}

std::map<std::string, setting_description>& registry() {
  static std::map<std::string, setting_description> settings;
  return settings;
}

// Returns what an option accepts, for error messages: its type and checks
// as CLI11 describes them in help output.
std::string allowed_values(const CLI::Option* option) {
  std::string type = option->get_type_name();
  return type.empty() ? "a value" : type;
}

// "--name" of an option; CLI11's get_name leaves hidden options unnamed.
std::string flag_name(const CLI::Option* option) {
  const auto& names = option->get_lnames();
  return names.empty() ? option->get_name() : "--" + names.front();
}

std::vector<command_settings*>& instances() {
  static std::vector<command_settings*> all;
  return all;
}

}  // namespace

command_settings::command_settings(std::string command_name)
    : command_(std::move(command_name)) {
  instances().push_back(this);
}

const std::vector<command_settings*>& all_command_settings() {
  return instances();
}

void command_settings::bind_flags(
    CLI::App& command,
    const std::vector<std::pair<std::string, std::string>>& keys,
    const std::vector<std::string>& secrets) {
  for (const auto& [flag, key] : keys) {
    CLI::Option* option = command.get_option_no_throw(flag);
    if (option == nullptr) {
      throw std::logic_error(fmt::format("{} has no option {} to bind to {}",
                                         command_, flag, key));
    }
    bool secret =
        std::find(secrets.begin(), secrets.end(), key) != secrets.end();
    bind(option, key, secret);
  }
}

void set_config_file(std::string path) { config_path() = std::move(path); }
const std::string& config_file() { return config_path(); }

const std::map<std::string, setting_description>& known_settings() {
  return registry();
}

CLI::Option* command_settings::bind(CLI::Option* option, std::string key,
                                    bool secret) {
  setting_description& description = registry()[key];
  description.key = key;
  description.description = option->get_description();
  description.default_text = option->get_default_str();
  description.secret = description.secret || secret;
  description.flags.push_back(
      fmt::format("{} {}", command_, flag_name(option)));
  bindings_.push_back({std::move(key), option, secret, {}});
  return option;
}

result<bool, std::string> command_settings::apply() {
  if (!config_file().empty()) {
    auto file = read_config_file(config_file());
    if (!file) return failure{file.error()};
    file_ = std::move(file.value());
    for (const auto& [key, value] : file_.settings) {
      if (!registry().contains(key)) {
        return failure{fmt::format(
            "unknown setting {} in {}; `ntscada config reference` lists the "
            "settings",
            key, value.origin)};
      }
    }
  }
  environment_ = read_environment(::environ, {"NTSCADA_CONFIG"});

  for (binding& bound : bindings_) {
    CLI::Option* option = bound.option;
    if (option->count() > 0) {
      std::string given = option->results().empty() ? "" : option->results()[0];
      bound.applied = {given, setting_source::flag, flag_name(option)};
      continue;
    }
    const sourced_value* value = nullptr;
    if (auto env = environment_.settings.find(bound.key);
        env != environment_.settings.end()) {
      value = &env->second;
    } else if (auto file = file_.settings.find(bound.key);
               file != file_.settings.end()) {
      value = &file->second;
    }
    if (value == nullptr) {
      bound.applied = {option->get_default_str(), setting_source::default_value,
                       "built-in"};
      continue;
    }
    try {
      option->clear();
      option->add_result(value->text);
      option->run_callback();
    } catch (const CLI::Error& error) {
      return failure{fmt::format(
          "setting {} = {} from {} ({}) is invalid: {}; expected {}", bound.key,
          bound.secret ? "(redacted)" : "'" + value->text + "'",
          to_string(value->source), value->origin, error.what(),
          allowed_values(option))};
    }
    bound.applied = *value;
  }
  return true;
}

kafka_properties command_settings::kafka_pass_through() const {
  std::map<std::string, std::string> merged;
  for (const auto& [name, value] : file_.kafka_properties) {
    merged[name] = value.text;
  }
  for (const auto& [name, value] : environment_.kafka_properties) {
    merged[name] = value.text;
  }
  return kafka_properties(merged.begin(), merged.end());
}

// Hides the user information of a URL ("http://user:pw@host" becomes
// "http://(redacted)@host"), so a password typed into a URL never reaches
// a log.
static std::string without_userinfo(std::string text) {
  auto scheme = text.find("://");
  if (scheme == std::string::npos) return text;
  auto host = scheme + 3;
  auto at = text.find('@', host);
  if (at == std::string::npos || at > text.find('/', host)) return text;
  return text.replace(host, at - host, "(redacted)");
}

std::vector<effective_setting> command_settings::effective() const {
  std::vector<effective_setting> out;
  for (const binding& bound : bindings_) {
    std::string text = without_userinfo(bound.applied.text);
    if (bound.secret && !text.empty()) text = "(redacted)";
    out.push_back({bound.key, std::move(text), bound.applied.source,
                   bound.applied.origin});
  }
  for (const auto* source : {&file_, &environment_}) {
    for (const auto& [name, value] : source->kafka_properties) {
      bool secret = is_secret_property(name);
      out.push_back({"kafka.properties." + name,
                     secret ? "(redacted)" : value.text, value.source,
                     value.origin});
    }
  }
  return out;
}

void apply_or_exit(command_settings& settings) {
  auto logger = module_logger("config");
  auto applied = settings.apply();
  if (!applied) {
    logger->error("{}", applied.error());
    std::exit(kExitConfig);
  }
  // One line with every setting that is not at its default, secrets
  // redacted, so the log shows what the command runs with.
  std::string changed;
  for (const effective_setting& setting : settings.effective()) {
    if (setting.source == setting_source::default_value) continue;
    changed +=
        fmt::format("{}{}={} ({})", changed.empty() ? "" : " ", setting.key,
                    setting.text, to_string(setting.source));
  }
  logger->info("{} configuration: file={} {}", settings.command(),
               config_file().empty() ? "none" : config_file(),
               changed.empty() ? "all defaults" : changed);
}

}  // namespace ntscada
