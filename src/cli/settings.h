#pragma once

#include <CLI/CLI.hpp>
#include <map>
#include <string>
#include <vector>

#include "common/result.h"
#include "config/config_sources.h"
#include "kafka/client_config.h"

namespace ntscada {

// Exit status for an invalid configuration value from any source, before
// the command touches any system (EX_CONFIG of sysexits.h).
inline constexpr int kExitConfig = 78;

// One configuration key as the reference documents it.
struct setting_description {
  std::string key;
  std::string description;
  std::string default_text;
  bool secret = false;
  // Commands and flags that set it, e.g. "stream --brokers".
  std::vector<std::string> flags;
};

// The effective value of one setting of a command.
struct effective_setting {
  std::string key;
  std::string text;  // "(redacted)" for a set secret
  setting_source source = setting_source::default_value;
  std::string origin;  // file and line, variable, or flag
};

// Binds a command's options to configuration keys, so that every setting
// can come, in increasing precedence, from its built-in default, the
// configuration file (--config), the environment (NTSCADA_SECTION_NAME)
// or the command line. Values from the file and the environment go
// through the option's own conversion and checks, so each source is
// validated the same way. Used from the main thread only.
class command_settings {
 public:
  // Registers the instance for `ntscada config show`; it must live until
  // the process exits (commands hold theirs in their callbacks).
  explicit command_settings(std::string command_name);

  const std::string& command() const { return command_; }

  // Binds `option` to `key` and registers the key for the reference and
  // for the check of unknown keys. Returns `option`.
  CLI::Option* bind(CLI::Option* option, std::string key, bool secret = false);

  // Applies the configuration file and the environment to every bound
  // option that the command line left unset. Fails on an unreadable file,
  // an unknown key in the file, or a value that its option rejects. The
  // message names the key, the value (unless secret), its source and what
  // is allowed.
  result<bool, std::string> apply();

  // Binds each flag of `command` named in `keys` (flag name, key) and marks
  // secret the keys in `secrets`. Throws std::logic_error for a flag that
  // the command does not have.
  void bind_flags(CLI::App& command,
                  const std::vector<std::pair<std::string, std::string>>& keys,
                  const std::vector<std::string>& secrets = {});

  // librdkafka properties from the file ([kafka.properties]) and the
  // environment (NTSCADA_KAFKA_PROPERTY_*); the environment wins over the
  // file. Valid after apply().
  kafka_properties kafka_pass_through() const;

  // Every bound setting with its value and source; valid after apply().
  std::vector<effective_setting> effective() const;

 private:
  struct binding {
    std::string key;
    CLI::Option* option;
    bool secret;
    sourced_value applied;
  };

  std::string command_;
  std::vector<binding> bindings_;
  setting_values file_;
  setting_values environment_;
};

// The configuration file named by --config (or NTSCADA_CONFIG); empty for
// none. Set by main before any command runs.
void set_config_file(std::string path);
const std::string& config_file();

// Every command_settings created so far, in creation order.
const std::vector<command_settings*>& all_command_settings();

// Every setting bound by any command so far, by key.
const std::map<std::string, setting_description>& known_settings();

// Applies `settings`, logging the error and exiting with kExitConfig when
// it fails. For the first line of a command's callback.
void apply_or_exit(command_settings& settings);

}  // namespace ntscada
