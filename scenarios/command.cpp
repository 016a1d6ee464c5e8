#include "scenarios/command.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "models/operations.hpp"
#include "models/waiters.hpp"
#include "sim/input_error.hpp"

namespace drsim::scenarios {
namespace {

struct Word {
  ValueTemplate value;
  std::string raw;     // the word with quotes removed and variables unexpanded
  std::size_t column;  // 1-based
};

[[noreturn]] void fail(std::string_view text, std::size_t column, const std::string& what,
                       std::string suggestion = {}) {
  throw sim::InputError({},
                        fmt::format("invalid command `{}` at column {}: {}", text, column, what),
                        std::move(suggestion));
}

bool name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

/// Shell-like splitting: whitespace separates words; '...' is literal; "..." and bare
/// words expand $NAME and ${NAME}; backslash-newline continues a line.
std::vector<Word> split(std::string_view text) {
  std::vector<Word> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (std::isspace(static_cast<unsigned char>(text[i])) ||
                               (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == '\n'))) {
      i += text[i] == '\\' ? 2 : 1;
    }
    if (i >= text.size()) break;
    Word w;
    w.column = i + 1;
    auto literal = [&](char c) {
      if (w.value.parts.empty() || w.value.parts.back().variable) w.value.parts.push_back({});
      w.value.parts.back().text += c;
      w.raw += c;
    };
    char quote = 0;
    for (; i < text.size(); ++i) {
      const char c = text[i];
      if (quote == 0 && std::isspace(static_cast<unsigned char>(c))) break;
      if (quote == 0 && (c == '|' || c == ';' || c == '>' || c == '<' || c == '`' ||
                         (c == '&' && i + 1 < text.size() && text[i + 1] == '&'))) {
        fail(text, i + 1, fmt::format("shell syntax `{}` is not supported", c),
             "run one command per step; bind values with a step's \"outputs\" and use them as "
             "$NAME");
      }
      if ((c == '\'' || c == '"') && (quote == 0 || quote == c)) {
        quote = quote == 0 ? c : 0;
        continue;
      }
      if (c == '\\' && quote != '\'' && i + 1 < text.size()) {
        literal(text[++i]);
        continue;
      }
      if (c == '$' && quote != '\'') {
        if (i + 1 < text.size() && text[i + 1] == '(') {
          fail(text, i + 1, "command substitution $(...) is not supported",
               "make the inner command a step of its own with \"outputs\", then use its variable "
               "here");
        }
        std::size_t j = i + 1;
        const bool braced = j < text.size() && text[j] == '{';
        if (braced) ++j;
        const std::size_t start = j;
        while (j < text.size() && name_char(text[j])) ++j;
        if (j == start || (braced && (j >= text.size() || text[j] != '}')))
          fail(text, i + 1, "expected a variable name after `$`");
        const std::string name(text.substr(start, j - start));
        w.value.parts.push_back({name, true});
        w.raw += "${" + name + "}";
        i = braced ? j : j - 1;
        continue;
      }
      literal(c);
    }
    if (quote != 0) fail(text, w.column, fmt::format("unterminated {} quote", quote));
    words.push_back(std::move(w));
  }
  return words;
}

/// kubectl as written (`kubectl rollout undo deployment/web -n prod`, `kubectl apply -f
/// k8s/deployments/`) into the operation-and-parameters form the rest of the parser reads:
/// `kubectl rollout-undo --deployment web`.
void kubectl_words(std::string_view text, std::vector<Word>& words) {
  if (words.size() < 2) return;
  auto word = [](std::string raw, std::size_t column) {
    Word w;
    w.raw = raw;
    w.value.parts.push_back({std::move(raw)});
    w.column = column;
    return w;
  };
  std::vector<Word> out{words[0]};
  std::size_t i = 1;
  if (words[1].raw == "rollout" && words.size() >= 3 && !words[2].raw.starts_with("-")) {
    out.push_back(word("rollout-" + words[2].raw, words[1].column));
    i = 3;
  } else {
    out.push_back(words[1]);
    i = 2;
  }
  for (; i < words.size(); ++i) {
    const Word& w = words[i];
    if (w.raw == "-n" || w.raw == "--namespace" || w.raw == "--context") {
      if (i + 1 >= words.size()) fail(text, w.column, fmt::format("{} needs a value", w.raw));
      if (w.raw == "--context") {
        out.push_back(word("--context", w.column));
        out.push_back(words[i + 1]);
      }
      ++i;  // namespaces are not modelled
    } else if (w.raw == "-f" || w.raw == "--filename") {
      if (i + 1 >= words.size()) fail(text, w.column, fmt::format("{} needs a path", w.raw));
      out.push_back(word("--filename", w.column));
      out.push_back(words[++i]);
    } else if (w.raw.starts_with("deployment/") || w.raw.starts_with("deploy/")) {
      Word name = w;
      const std::size_t slash = w.raw.find('/') + 1;
      name.raw = w.raw.substr(slash);
      if (!name.value.parts.empty() && !name.value.parts[0].variable)
        name.value.parts[0].text = name.value.parts[0].text.substr(slash);
      out.push_back(word("--deployment", w.column));
      out.push_back(std::move(name));
    } else if (w.raw.starts_with("-")) {
      // --watch, --timeout=...: presentation and pacing only
    } else {
      fail(text, w.column,
           fmt::format("unexpected argument `{}`: name the deployment as deployment/NAME", w.raw));
    }
  }
  words = std::move(out);
}

std::vector<std::string_view> services() {
  std::set<std::string_view> names;
  for (const models::OperationInfo& op : models::operations()) names.insert(op.service);
  return {names.begin(), names.end()};
}

}  // namespace

models::Value ValueTemplate::resolve(
    const std::map<std::string, models::Value, std::less<>>& variables,
    std::int64_t epoch_unix_ms) const {
  models::Value out;
  resolve_into(out, variables, epoch_unix_ms);
  return out;
}

void ValueTemplate::resolve_into(models::Value& out,
                                 const std::map<std::string, models::Value, std::less<>>& variables,
                                 std::int64_t epoch_unix_ms) const {
  if (is_flag) {
    out = models::Value(flag);
    return;
  }
  auto lookup = [&](const std::string& name) -> const models::Value& {
    static const models::Value kNull;
    auto it = variables.find(name);
    return it == variables.end() ? kNull : it->second;
  };
  if (parts.size() == 1 && parts[0].variable) {
    // A query that found nothing binds null; the CLI's text output prints it as "None",
    // which is what the next command then receives.
    const models::Value& v = lookup(parts[0].text);
    if (v.is_null())
      out.string_buffer() = "None";
    else
      out = v;
    return;
  }
  std::string& text = out.string_buffer();
  for (const Part& p : parts) {
    if (p.variable)
      lookup(p.text).append_text(text, epoch_unix_ms);
    else
      text += p.text;
  }
}

std::vector<std::string> ValueTemplate::variables() const {
  std::vector<std::string> out;
  for (const Part& p : parts) {
    if (p.variable) out.push_back(p.text);
  }
  return out;
}

models::Request CommandTemplate::resolve(
    const std::map<std::string, models::Value, std::less<>>& variables,
    const std::string& default_region, std::int64_t epoch_unix_ms) const {
  models::Request r;
  resolve_into(r, variables, default_region, epoch_unix_ms);
  return r;
}

void CommandTemplate::resolve_into(
    models::Request& out, const std::map<std::string, models::Value, std::less<>>& variables,
    const std::string& default_region, std::int64_t epoch_unix_ms) const {
  out.service.assign(service);
  out.operation.assign(operation);
  out.operation_hint = info;
  out.fields = {};
  out.call_key = 0;
  if (region.parts.empty()) {
    out.region.assign(default_region);
  } else {
    out.region.clear();
    region.resolve(variables, epoch_unix_ms).append_text(out.region, epoch_unix_ms);
  }
  out.params.resize(params.size());
  for (std::size_t i = 0; i < params.size(); ++i) {
    out.params[i].name.assign(params[i].first);
    params[i].second.resolve_into(out.params[i].value, variables, epoch_unix_ms);
  }
}

std::vector<std::string> CommandTemplate::variables() const {
  std::vector<std::string> out = region.variables();
  for (const auto& [name, value] : params) {
    for (std::string& v : value.variables()) out.push_back(std::move(v));
  }
  return out;
}

std::optional<std::string_view> CommandTemplate::unbound(
    const std::map<std::string, models::Value, std::less<>>& variables) const {
  auto first_in = [&](const ValueTemplate& t) -> std::optional<std::string_view> {
    for (const ValueTemplate::Part& p : t.parts) {
      if (p.variable && !variables.contains(p.text)) return p.text;
    }
    return std::nullopt;
  };
  if (auto v = first_in(region)) return v;
  for (const auto& [name, value] : params) {
    if (auto v = first_in(value)) return v;
  }
  return std::nullopt;
}

bool CommandTemplate::mutating() const {
  // By name, not by `info`: that is a hint for the hot path, this decides what a drill may do.
  const models::OperationInfo* op = models::find_operation(service, operation);
  return op != nullptr && op->mutating;
}

CommandTemplate parse_command(std::string_view text) {
  std::vector<Word> words = split(text);
  if (!words.empty() && words.front().raw == "aws") words.erase(words.begin());
  if (!words.empty() && words.front().raw == "kubectl") kubectl_words(text, words);
  // Global options may come before the service: aws --region us-east-1 rds ...
  std::vector<Word> global;
  while (words.size() >= 2 && words.front().raw.starts_with("--")) {
    const std::string& name = words.front().raw;
    const bool takes_value = name == "--region" || name == "--profile" || name == "--output" ||
                             name == "--query" || name == "--endpoint-url";
    global.push_back(words.front());
    words.erase(words.begin());
    if (takes_value) {
      global.push_back(words.front());
      words.erase(words.begin());
    }
  }
  words.insert(words.end(), global.begin(), global.end());
  if (words.size() < 2)
    fail(text, text.size() + 1, "expected `<service> <operation> [--parameters]`");
  CommandTemplate c;
  c.service = words[0].raw;
  c.operation = words[1].raw;
  const auto known_services = services();
  if (std::find(known_services.begin(), known_services.end(), c.service) == known_services.end()) {
    fail(text, words[0].column, fmt::format("unknown service `{}`", c.service),
         sim::suggest(c.service, known_services));
  }
  std::size_t next = 2;
  if (c.operation == "wait") {
    if (words.size() < 3) fail(text, text.size() + 1, "expected the waiter's name after `wait`");
    c.waiter = words[2].raw;
    if (models::find_waiter(c.service, c.waiter) == nullptr) {
      std::vector<std::string_view> names;
      for (const models::WaiterSpec& w : models::waiters()) {
        if (w.service == c.service) names.push_back(w.name);
      }
      fail(text, words[2].column, fmt::format("unknown waiter `{} wait {}`", c.service, c.waiter),
           sim::suggest(c.waiter, names));
    }
    next = 3;
  } else if (c.info = models::find_operation(c.service, c.operation); c.info == nullptr) {
    std::vector<std::string_view> names;
    for (const models::OperationInfo& op : models::operations()) {
      if (op.service == c.service) names.push_back(op.operation);
    }
    fail(text, words[1].column, fmt::format("unknown operation `{} {}`", c.service, c.operation),
         sim::closest_name(c.operation, names).empty()
             ? "drsim models these " + c.service +
                   " operations: " + fmt::format("{}", fmt::join(names, ", "))
             : sim::suggest(c.operation, names));
  }
  // High-level s3 commands take positional arguments.
  std::vector<std::string> positional_names;
  if (c.service == "s3" && c.operation == "sync") positional_names = {"source", "destination"};
  if (c.service == "s3" && c.operation == "ls") positional_names = {"path"};
  std::size_t positional = 0;
  for (std::size_t i = next; i < words.size(); ++i) {
    const Word& w = words[i];
    if (!w.raw.starts_with("--")) {
      if (positional >= positional_names.size()) {
        fail(text, w.column,
             fmt::format("unexpected argument `{}`: parameters are written --name value", w.raw));
      }
      c.params.emplace_back(positional_names[positional++], w.value);
      continue;
    }
    const std::string name = w.raw.substr(2);
    if (name.empty()) fail(text, w.column, "expected a parameter name after `--`");
    const bool has_value = i + 1 < words.size() && !words[i + 1].raw.starts_with("--");
    if (name == "region" || name == "query" || name == "output") {
      if (!has_value) fail(text, w.column, fmt::format("--{} needs a value", name));
      const Word& v = words[++i];
      if (name == "region") c.region = v.value;
      if (name == "query") c.query = v.raw;
      if (name == "output") c.output = v.raw;
      continue;
    }
    if (name == "no-cli-pager" || name == "no-paginate" || name == "debug")
      continue;  // presentation only
    if (!has_value) {
      ValueTemplate flag;
      flag.is_flag = true;
      flag.flag = !name.starts_with("no-");
      c.params.emplace_back(flag.flag ? name : name.substr(3), flag);
      continue;
    }
    // A list parameter takes every following word up to the next --name (--services a b).
    ValueTemplate value = words[++i].value;
    while (i + 1 < words.size() && !words[i + 1].raw.starts_with("--") &&
           positional_names.empty()) {
      value.parts.push_back({" "});
      for (const ValueTemplate::Part& part : words[++i].value.parts) value.parts.push_back(part);
    }
    c.params.emplace_back(name, std::move(value));
  }
  if (positional < positional_names.size()) {
    fail(text, text.size() + 1,
         fmt::format("`{} {}` needs {} argument{}", c.service, c.operation, positional_names.size(),
                     positional_names.size() == 1 ? "" : "s"));
  }
  return c;
}

}  // namespace drsim::scenarios
