#include "scenarios/query.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "sim/input_error.hpp"

namespace drsim::scenarios {

using models::Array;
using models::Members;
using models::Value;

// ------------------------------------------------------------------------- tokens

namespace {

enum class Tok {
  kEof,
  kIdentifier,
  kQuoted,
  kNumber,
  kLiteral,
  kRawString,
  kDot,
  kStar,
  kFlatten,
  kFilter,
  kLBracket,
  kRBracket,
  kLBrace,
  kRBrace,
  kLParen,
  kRParen,
  kComma,
  kColon,
  kPipe,
  kOr,
  kAnd,
  kNot,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kCurrent,
  kExpref,
};

struct Token {
  Tok type;
  std::string text;  // identifier, string contents, literal JSON text
  std::int64_t number = 0;
  std::size_t column;  // 1-based
};

[[noreturn]] void syntax_error(std::string_view query, std::size_t column,
                               const std::string& what) {
  throw sim::InputError({},
                        fmt::format("invalid query `{}` at column {}: {}", query, column, what));
}

std::vector<Token> tokenize(std::string_view q) {
  std::vector<Token> out;
  std::size_t i = 0;
  auto push = [&](Tok t, std::size_t width, std::string text = {}) {
    out.push_back({t, std::move(text), 0, i + 1});
    i += width;
  };
  while (i < q.size()) {
    const char c = q[i];
    if (c == ' ' || c == '\t' || c == '\n') {
      ++i;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      std::size_t j = i;
      while (j < q.size() && (std::isalnum(static_cast<unsigned char>(q[j])) || q[j] == '_')) ++j;
      push(Tok::kIdentifier, j - i, std::string(q.substr(i, j - i)));
    } else if (std::isdigit(static_cast<unsigned char>(c)) ||
               (c == '-' && i + 1 < q.size() &&
                std::isdigit(static_cast<unsigned char>(q[i + 1])))) {
      std::size_t j = i + 1;
      while (j < q.size() && std::isdigit(static_cast<unsigned char>(q[j]))) ++j;
      Token t{Tok::kNumber, {}, std::stoll(std::string(q.substr(i, j - i))), i + 1};
      out.push_back(t);
      i = j;
    } else if (c == '"' || c == '\'' || c == '`') {
      const char quote = c;
      std::string text;
      std::size_t j = i + 1;
      for (; j < q.size() && q[j] != quote; ++j) {
        if (q[j] == '\\' && j + 1 < q.size() && (q[j + 1] == quote || q[j + 1] == '\\')) ++j;
        text += q[j];
      }
      if (j >= q.size()) syntax_error(q, i + 1, fmt::format("unterminated {} string", quote));
      const Tok type = quote == '"'    ? Tok::kQuoted
                       : quote == '\'' ? Tok::kRawString
                                       : Tok::kLiteral;
      out.push_back({type, std::move(text), 0, i + 1});
      i = j + 1;
    } else {
      auto two = [&](char next) { return i + 1 < q.size() && q[i + 1] == next; };
      switch (c) {
        case '.':
          push(Tok::kDot, 1);
          break;
        case '*':
          push(Tok::kStar, 1);
          break;
        case '@':
          push(Tok::kCurrent, 1);
          break;
        case ']':
          push(Tok::kRBracket, 1);
          break;
        case '{':
          push(Tok::kLBrace, 1);
          break;
        case '}':
          push(Tok::kRBrace, 1);
          break;
        case '(':
          push(Tok::kLParen, 1);
          break;
        case ')':
          push(Tok::kRParen, 1);
          break;
        case ',':
          push(Tok::kComma, 1);
          break;
        case ':':
          push(Tok::kColon, 1);
          break;
        case '[':
          if (two(']'))
            push(Tok::kFlatten, 2);
          else if (two('?'))
            push(Tok::kFilter, 2);
          else
            push(Tok::kLBracket, 1);
          break;
        case '|':
          two('|') ? push(Tok::kOr, 2) : push(Tok::kPipe, 1);
          break;
        case '&':
          two('&') ? push(Tok::kAnd, 2) : push(Tok::kExpref, 1);
          break;
        case '!':
          two('=') ? push(Tok::kNe, 2) : push(Tok::kNot, 1);
          break;
        case '=':
          if (!two('=')) syntax_error(q, i + 1, "expected `==`");
          push(Tok::kEq, 2);
          break;
        case '<':
          two('=') ? push(Tok::kLe, 2) : push(Tok::kLt, 1);
          break;
        case '>':
          two('=') ? push(Tok::kGe, 2) : push(Tok::kGt, 1);
          break;
        default:
          syntax_error(q, i + 1, fmt::format("unexpected character `{}`", c));
      }
    }
  }
  out.push_back({Tok::kEof, {}, 0, q.size() + 1});
  return out;
}

int binding_power(Tok t) {
  switch (t) {
    case Tok::kPipe:
      return 1;
    case Tok::kOr:
      return 2;
    case Tok::kAnd:
      return 3;
    case Tok::kEq:
    case Tok::kNe:
    case Tok::kLt:
    case Tok::kLe:
    case Tok::kGt:
    case Tok::kGe:
      return 5;
    case Tok::kFlatten:
      return 9;
    case Tok::kStar:
      return 20;
    case Tok::kFilter:
      return 21;
    case Tok::kDot:
      return 40;
    case Tok::kNot:
      return 45;
    case Tok::kLBrace:
      return 50;
    case Tok::kLBracket:
      return 55;
    case Tok::kLParen:
      return 60;
    default:
      return 0;
  }
}

}  // namespace

// ------------------------------------------------------------------------- tree

struct Query::Node {
  enum class Kind {
    kCurrent,
    kField,
    kSubexpr,
    kIndex,
    kSlice,
    kProjection,
    kValueProjection,
    kFlatten,
    kFilterProjection,
    kPipe,
    kOr,
    kAnd,
    kNot,
    kCompare,
    kLiteral,
    kFunction,
    kExpref,
    kMultiList,
    kMultiHash,
  } kind;
  std::string name;                               // field, function, comparator
  std::int64_t index = 0;                         // index
  std::optional<std::int64_t> start, stop, step;  // slice
  Value literal;
  std::vector<std::shared_ptr<const Node>> children;  // operands / args / items
  std::vector<std::string> keys;                      // multi-select hash
  // A pipe of the shape `LIST[?cond]... | sort_by(@, &Key) | [-1]...`, taken apart when it
  // is parsed (see Evaluator::newest_of_sorted).
  struct Newest {
    const Node* list = nullptr;           // LIST
    std::vector<const Node*> conditions;  // the filters on LIST, outermost first
    std::string key;                      // the sort key
    // The members the filters and the pick read, when they are all they read (the listing
    // may build only those); empty: every member.
    std::vector<std::string_view> fields;
  };
  std::unique_ptr<const Newest> newest;
};

namespace {

using Node = Query::Node;
using NodePtr = std::shared_ptr<const Node>;

/// A node still open to changes (make_pipe adds its plan); `make` gives it as NodePtr.
std::shared_ptr<Node> make_mutable(Node::Kind kind, std::vector<NodePtr> children,
                                   std::string name) {
  auto n = std::make_shared<Node>();
  n->kind = kind;
  n->children = std::move(children);
  n->name = std::move(name);
  return n;
}

NodePtr make(Node::Kind kind, std::vector<NodePtr> children = {}, std::string name = {}) {
  return make_mutable(kind, std::move(children), std::move(name));
}

NodePtr identity() {
  return make(Node::Kind::kCurrent);
}

std::unique_ptr<const Node::Newest> newest_plan(const Node& pipe);

NodePtr make_pipe(NodePtr left, NodePtr right) {
  auto n = make_mutable(Node::Kind::kPipe, {std::move(left), std::move(right)}, {});
  n->newest = newest_plan(*n);
  return n;
}

class Parser {
 public:
  Parser(std::string_view text) : text_(text), tokens_(tokenize(text)) {}

  NodePtr parse() {
    NodePtr n = expression(0);
    if (peek().type != Tok::kEof) fail("expected the end of the query");
    return n;
  }

 private:
  const Token& peek(std::size_t ahead = 0) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  Token next() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
  [[noreturn]] void fail(const std::string& what) const {
    syntax_error(text_, peek().column, what);
  }
  void expect(Tok t, const char* what) {
    if (peek().type != t) fail(fmt::format("expected {}", what));
    next();
  }

  NodePtr expression(int bp) {
    NodePtr left = nud(next());
    while (bp < binding_power(peek().type)) left = led(next(), left);
    return left;
  }

  NodePtr nud(const Token& t) {
    switch (t.type) {
      case Tok::kLiteral: {
        auto n = std::make_shared<Node>();
        n->kind = Node::Kind::kLiteral;
        n->literal = literal_value(t);
        return n;
      }
      case Tok::kRawString: {
        auto n = std::make_shared<Node>();
        n->kind = Node::Kind::kLiteral;
        n->literal = Value(t.text);
        return n;
      }
      case Tok::kIdentifier:
      case Tok::kQuoted:
        return make(Node::Kind::kField, {}, t.text);
      case Tok::kStar:
        return make(Node::Kind::kValueProjection,
                    {identity(), projection_rhs(binding_power(Tok::kStar))});
      case Tok::kFilter:
        return filter(identity());
      case Tok::kLBrace:
        return multi_hash();
      case Tok::kFlatten:
        return make(Node::Kind::kProjection, {make(Node::Kind::kFlatten, {identity()}),
                                              projection_rhs(binding_power(Tok::kFlatten))});
      case Tok::kLBracket:
        if (peek().type == Tok::kNumber || peek().type == Tok::kColon)
          return index_or_slice(identity());
        if (peek().type == Tok::kStar && peek(1).type == Tok::kRBracket) {
          next();
          next();
          return make(Node::Kind::kProjection,
                      {identity(), projection_rhs(binding_power(Tok::kStar))});
        }
        return multi_list();
      case Tok::kCurrent:
        return identity();
      case Tok::kExpref:
        return make(Node::Kind::kExpref, {expression(binding_power(Tok::kExpref))});
      case Tok::kNot:
        return make(Node::Kind::kNot, {expression(binding_power(Tok::kNot))});
      case Tok::kLParen: {
        NodePtr inner = expression(0);
        expect(Tok::kRParen, "`)`");
        return inner;
      }
      default:
        syntax_error(text_, t.column, "expected a field, a literal, `@`, `[`, `{`, `*` or `(`");
    }
  }

  NodePtr led(const Token& t, NodePtr left) {
    switch (t.type) {
      case Tok::kDot:
        if (peek().type == Tok::kStar) {
          next();
          return make(Node::Kind::kValueProjection,
                      {left, projection_rhs(binding_power(Tok::kDot))});
        }
        return make(Node::Kind::kSubexpr, {left, dot_rhs(binding_power(Tok::kDot))});
      case Tok::kPipe:
        return make_pipe(left, expression(binding_power(Tok::kPipe)));
      case Tok::kOr:
        return make(Node::Kind::kOr, {left, expression(binding_power(Tok::kOr))});
      case Tok::kAnd:
        return make(Node::Kind::kAnd, {left, expression(binding_power(Tok::kAnd))});
      case Tok::kLParen: {
        if (left->kind != Node::Kind::kField)
          syntax_error(text_, t.column, "only a function name can be called");
        std::vector<NodePtr> args;
        while (peek().type != Tok::kRParen) {
          args.push_back(expression(0));
          if (peek().type == Tok::kComma)
            next();
          else if (peek().type != Tok::kRParen)
            fail("expected `,` or `)` in the function's arguments");
        }
        next();
        check_function(left->name, args.size(), t.column);
        return make(Node::Kind::kFunction, std::move(args), left->name);
      }
      case Tok::kFilter:
        return filter(left);
      case Tok::kFlatten:
        return make(Node::Kind::kProjection, {make(Node::Kind::kFlatten, {left}),
                                              projection_rhs(binding_power(Tok::kFlatten))});
      case Tok::kLBracket:
        if (peek().type == Tok::kNumber || peek().type == Tok::kColon) return index_or_slice(left);
        if (peek().type == Tok::kStar && peek(1).type == Tok::kRBracket) {
          next();
          next();
          return make(Node::Kind::kProjection, {left, projection_rhs(binding_power(Tok::kStar))});
        }
        fail("expected a number, `:` or `*` inside `[ ]`");
      case Tok::kEq:
      case Tok::kNe:
      case Tok::kLt:
      case Tok::kLe:
      case Tok::kGt:
      case Tok::kGe: {
        static const char* names[] = {"==", "!=", "<", "<=", ">", ">="};
        const int i = static_cast<int>(t.type) - static_cast<int>(Tok::kEq);
        return make(Node::Kind::kCompare, {left, expression(binding_power(t.type))}, names[i]);
      }
      default:
        syntax_error(text_, t.column, "unexpected token");
    }
  }

  NodePtr filter(NodePtr left) {
    NodePtr condition = expression(0);
    expect(Tok::kRBracket, "`]` to close the filter");
    return make(Node::Kind::kFilterProjection,
                {left, condition, projection_rhs(binding_power(Tok::kFilter))});
  }

  NodePtr index_or_slice(NodePtr left) {
    std::optional<std::int64_t> parts[3];
    int part = 0;
    bool slice = false;
    while (peek().type != Tok::kRBracket) {
      if (peek().type == Tok::kColon) {
        slice = true;
        if (++part > 2) fail("a slice has at most three parts");
        next();
      } else if (peek().type == Tok::kNumber) {
        parts[part] = next().number;
      } else {
        fail("expected a number or `:`");
      }
    }
    next();
    if (!slice) {
      auto n = std::make_shared<Node>();
      n->kind = Node::Kind::kIndex;
      n->children = {left};
      n->index = *parts[0];
      return n;
    }
    auto s = std::make_shared<Node>();
    s->kind = Node::Kind::kSlice;
    s->children = {left};
    s->start = parts[0];
    s->stop = parts[1];
    s->step = parts[2];
    if (s->step && *s->step == 0) fail("a slice's step cannot be 0");
    return make(Node::Kind::kProjection, {s, projection_rhs(binding_power(Tok::kStar))});
  }

  NodePtr projection_rhs(int bp) {
    const Tok t = peek().type;
    if (binding_power(t) < 10) return identity();
    if (t == Tok::kLBracket || t == Tok::kFilter) return expression(bp);
    if (t == Tok::kDot) {
      next();
      return dot_rhs(bp);
    }
    fail("expected `.`, `[` or the end of the projection");
  }

  NodePtr dot_rhs(int bp) {
    const Tok t = peek().type;
    if (t == Tok::kIdentifier || t == Tok::kQuoted || t == Tok::kStar) return expression(bp);
    if (t == Tok::kLBracket) {
      next();
      return multi_list();
    }
    if (t == Tok::kLBrace) {
      next();
      return multi_hash();
    }
    fail("expected a field name, `*`, `[` or `{` after `.`");
  }

  NodePtr multi_list() {
    std::vector<NodePtr> items;
    for (;;) {
      items.push_back(expression(0));
      if (peek().type == Tok::kComma) {
        next();
        continue;
      }
      expect(Tok::kRBracket, "`,` or `]`");
      break;
    }
    return make(Node::Kind::kMultiList, std::move(items));
  }

  NodePtr multi_hash() {
    auto n = std::make_shared<Node>();
    n->kind = Node::Kind::kMultiHash;
    for (;;) {
      const Token key = next();
      if (key.type != Tok::kIdentifier && key.type != Tok::kQuoted)
        syntax_error(text_, key.column, "expected a key name");
      expect(Tok::kColon, "`:` after the key");
      n->keys.push_back(key.text);
      n->children.push_back(expression(0));
      if (peek().type == Tok::kComma) {
        next();
        continue;
      }
      expect(Tok::kRBrace, "`,` or `}`");
      break;
    }
    return n;
  }

  Value literal_value(const Token& t) const {
    try {
      return from_json(nlohmann::json::parse(t.text));
    } catch (const nlohmann::json::parse_error&) {
      // JMESPath allows `foo` as shorthand for the string "foo".
      return Value(t.text);
    }
  }

  static Value from_json(const nlohmann::json& j) {
    switch (j.type()) {
      case nlohmann::json::value_t::null:
        return Value();
      case nlohmann::json::value_t::boolean:
        return Value(j.get<bool>());
      case nlohmann::json::value_t::number_integer:
      case nlohmann::json::value_t::number_unsigned:
        return Value(j.get<std::int64_t>());
      case nlohmann::json::value_t::number_float:
        return Value(j.get<double>());
      case nlohmann::json::value_t::string:
        return Value(j.get<std::string>());
      case nlohmann::json::value_t::array: {
        Array a;
        for (const auto& e : j) a.push_back(from_json(e));
        return Value(std::move(a));
      }
      default: {
        Members m;
        for (const auto& [k, v] : j.items()) m.emplace_back(k, from_json(v));
        return Value(std::move(m));
      }
    }
  }

  void check_function(const std::string& name, std::size_t arity, std::size_t column) const {
    struct Known {
      std::string_view name;
      std::size_t min, max;
    };
    static constexpr Known kKnown[] = {
        {"length", 1, 1},  {"starts_with", 2, 2}, {"ends_with", 2, 2}, {"contains", 2, 2},
        {"sort_by", 2, 2}, {"max_by", 2, 2},      {"min_by", 2, 2},    {"sort", 1, 1},
        {"reverse", 1, 1}, {"to_string", 1, 1},   {"to_number", 1, 1}, {"keys", 1, 1},
        {"values", 1, 1},  {"max", 1, 1},         {"min", 1, 1},       {"join", 2, 2},
        {"type", 1, 1},    {"not_null", 1, 9},
    };
    std::vector<std::string_view> names;
    for (const Known& k : kKnown) {
      names.push_back(k.name);
      if (k.name != name) continue;
      if (arity < k.min || arity > k.max) {
        syntax_error(text_, column,
                     fmt::format("{}() takes {} argument{}, got {}", name, k.min,
                                 k.min == 1 ? "" : "s", arity));
      }
      return;
    }
    throw sim::InputError(
        {},
        fmt::format("invalid query `{}` at column {}: unknown function `{}`", text_, column, name),
        sim::suggest(name, names));
  }

  std::string_view text_;
  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
};

// ------------------------------------------------------------------------- evaluation

/// `n` as a path of fields and indexes, left to right (`A[0].B` -> A, [0], B; `@` adds
/// nothing); false when it is anything else.
bool flat_path(const Node& n, std::vector<const Node*>& path) {
  using K = Node::Kind;
  switch (n.kind) {
    case K::kSubexpr:
      return flat_path(*n.children[0], path) && flat_path(*n.children[1], path);
    case K::kIndex:
      if (!flat_path(*n.children[0], path)) return false;
      path.push_back(&n);
      return true;
    case K::kField:
      path.push_back(&n);
      return true;
    case K::kCurrent:
      return true;
    default:
      return false;
  }
}

/// Adds to `out` the members of an object that `n`, evaluated against that object, reads;
/// false when it may read more than named members (`@` itself, a projection, a sort).
bool object_members(const Node& n, std::vector<std::string_view>& out) {
  using K = Node::Kind;
  switch (n.kind) {
    case K::kField:
      if (std::find(out.begin(), out.end(), n.name) == out.end()) out.push_back(n.name);
      return true;
    case K::kSubexpr:
    case K::kIndex:  // the rest reads what the left side gave, not the object
      return object_members(*n.children[0], out);
    case K::kLiteral:
      return true;
    case K::kCompare:
    case K::kAnd:
    case K::kOr:
    case K::kNot:
    case K::kFunction:
      return std::all_of(n.children.begin(), n.children.end(),
                         [&](const NodePtr& c) { return object_members(*c, out); });
    default:
      return false;
  }
}

/// The node that receives `n`'s input when it is an index into it (`[-1]` in `[-1].Name`),
/// provided every other part of `n` only works on what that index returns.
const Node* input_index(const Node& n) {
  using K = Node::Kind;
  const Node* at = &n;
  for (;;) {
    if (at->kind == K::kIndex && at->children[0]->kind == K::kCurrent) return at;
    switch (at->kind) {
      case K::kSubexpr:
      case K::kIndex:
      case K::kProjection:
      case K::kFilterProjection:
      case K::kPipe:
        at = at->children[0].get();
        break;
      default:
        return nullptr;
    }
  }
}

std::unique_ptr<const Node::Newest> newest_plan(const Node& pipe) {
  using K = Node::Kind;
  const Node* pick = input_index(*pipe.children[1]);
  if (pick == nullptr || pick->index != -1) return nullptr;
  const Node& left = *pipe.children[0];
  const Node* sort = nullptr;
  const Node* list = nullptr;
  if (left.kind == K::kFunction && left.name == "sort_by") {
    sort = &left;
    list = left.children[0].get();
  } else if (left.kind == K::kPipe && left.children[1]->kind == K::kFunction &&
             left.children[1]->name == "sort_by" &&
             left.children[1]->children[0]->kind == K::kCurrent) {
    sort = left.children[1].get();
    list = left.children[0].get();
  }
  if (sort == nullptr || sort->children.size() != 2 || sort->children[1]->kind != K::kExpref ||
      sort->children[1]->children[0]->kind != K::kField)
    return nullptr;
  auto plan = std::make_unique<Node::Newest>();
  plan->key = sort->children[1]->children[0]->name;
  while (list->kind == K::kFilterProjection && list->children[2]->kind == K::kCurrent) {
    plan->conditions.push_back(list->children[1].get());
    list = list->children[0].get();
  }
  plan->list = list;
  // The members the filters and the pick read (`[-1].Member...`), when they are all it reads.
  std::vector<std::string_view>& fields = plan->fields;
  std::vector<const Node*> pick_path;
  if (flat_path(*pipe.children[1], pick_path) && pick_path.size() >= 2 && pick_path[0] == pick &&
      pick_path[1]->kind == K::kField &&
      std::all_of(plan->conditions.begin(), plan->conditions.end(),
                  [&](const Node* c) { return object_members(*c, fields); })) {
    if (std::find(fields.begin(), fields.end(), pick_path[1]->name) == fields.end())
      fields.push_back(pick_path[1]->name);
  } else {
    fields.clear();
  }
  return plan;
}

struct Evaluator {
  std::int64_t epoch;

  /// A comparable key: numbers, strings and timestamps (as instants).
  std::optional<double> number_of(const Value& v) const {
    if (v.is_number()) return v.as_double();
    if (v.type() == Value::Type::kTime) return static_cast<double>(v.as_time().at);
    return std::nullopt;
  }

  bool equal(const Value& a, const Value& b) const {
    if (a.type() == Value::Type::kTime || b.type() == Value::Type::kTime) {
      auto ta = models::time_of(a, epoch), tb = models::time_of(b, epoch);
      return ta && tb && *ta == *tb;
    }
    return a == b;
  }

  /// -1, 0, 1, or nullopt when the two cannot be ordered.
  std::optional<int> order(const Value& a, const Value& b) const {
    if (a.type() == Value::Type::kTime || b.type() == Value::Type::kTime) {
      auto ta = models::time_of(a, epoch), tb = models::time_of(b, epoch);
      if (!ta || !tb) return std::nullopt;
      return (*ta > *tb) - (*ta < *tb);
    }
    if (a.is_number() && b.is_number())
      return (a.as_double() > b.as_double()) - (a.as_double() < b.as_double());
    if (a.is_string() && b.is_string())
      return a.as_string().compare(b.as_string()) < 0 ? -1 : a.as_string() == b.as_string() ? 0 : 1;
    return std::nullopt;
  }

  Value collect(const Array& items, const Node& rhs) const {
    Array out;
    for (const Value& item : items) {
      Value v = eval(rhs, item);
      if (!v.is_null()) out.push_back(std::move(v));
    }
    return Value(std::move(out));
  }

  Value eval(const Node& n, const Value& in) const {
    using K = Node::Kind;
    switch (n.kind) {
      case K::kCurrent:
        return in;
      case K::kLiteral:
        return n.literal;
      case K::kField:
        return in[n.name];
      case K::kSubexpr: {
        const Value left = eval(*n.children[0], in);
        return left.is_null() ? Value() : eval(*n.children[1], left);
      }
      case K::kIndex: {
        const Value left = eval(*n.children[0], in);
        return left.at(n.index);
      }
      case K::kSlice: {
        const Value left = eval(*n.children[0], in);
        if (!left.is_array()) return Value();
        const auto size = static_cast<std::int64_t>(left.size());
        const std::int64_t step = n.step.value_or(1);
        auto clamp = [&](std::optional<std::int64_t> v, std::int64_t fallback) {
          if (!v) return fallback;
          std::int64_t x = *v < 0 ? *v + size : *v;
          return step > 0 ? std::clamp<std::int64_t>(x, 0, size)
                          : std::clamp<std::int64_t>(x, -1, size - 1);
        };
        const std::int64_t start = clamp(n.start, step > 0 ? 0 : size - 1);
        const std::int64_t stop = clamp(n.stop, step > 0 ? size : -1);
        Array out;
        for (std::int64_t i = start; step > 0 ? i < stop : i > stop; i += step)
          out.push_back(left.at(i));
        return Value(std::move(out));
      }
      case K::kProjection: {
        const Value left = eval(*n.children[0], in);
        return left.is_array() ? collect(left.as_array(), *n.children[1]) : Value();
      }
      case K::kValueProjection: {
        const Value left = eval(*n.children[0], in);
        if (!left.is_object()) return Value();
        Array values;
        for (const auto& [k, v] : left.members()) values.push_back(v);
        return collect(values, *n.children[1]);
      }
      case K::kFlatten: {
        const Value left = eval(*n.children[0], in);
        if (!left.is_array()) return Value();
        Array out;
        for (const Value& e : left.as_array()) {
          if (e.is_array()) {
            out.insert(out.end(), e.as_array().begin(), e.as_array().end());
          } else {
            out.push_back(e);
          }
        }
        return Value(std::move(out));
      }
      case K::kFilterProjection: {
        const Value left = eval(*n.children[0], in);
        if (!left.is_array()) return Value();
        Array kept;
        for (const Value& e : left.as_array()) {
          if (eval(*n.children[1], e).truthy()) kept.push_back(e);
        }
        return collect(kept, *n.children[2]);
      }
      case K::kPipe:
        if (auto newest = newest_of_sorted(n, in)) return *newest;
        return eval(*n.children[1], eval(*n.children[0], in));
      case K::kOr: {
        Value left = eval(*n.children[0], in);
        return left.truthy() ? left : eval(*n.children[1], in);
      }
      case K::kAnd: {
        Value left = eval(*n.children[0], in);
        return left.truthy() ? eval(*n.children[1], in) : left;
      }
      case K::kNot:
        return Value(!eval(*n.children[0], in).truthy());
      case K::kCompare: {
        const Value a = eval(*n.children[0], in), b = eval(*n.children[1], in);
        if (n.name == "==") return Value(equal(a, b));
        if (n.name == "!=") return Value(!equal(a, b));
        const auto o = order(a, b);
        if (!o) return Value();
        if (n.name == "<") return Value(*o < 0);
        if (n.name == "<=") return Value(*o <= 0);
        if (n.name == ">") return Value(*o > 0);
        return Value(*o >= 0);
      }
      case K::kExpref:
        return Value();  // only meaningful as a function argument
      case K::kMultiList: {
        if (in.is_null()) return Value();
        Array out;
        for (const NodePtr& c : n.children) out.push_back(eval(*c, in));
        return Value(std::move(out));
      }
      case K::kMultiHash: {
        if (in.is_null()) return Value();
        Members out;
        for (std::size_t i = 0; i < n.keys.size(); ++i)
          out.emplace_back(n.keys[i], eval(*n.children[i], in));
        return Value(std::move(out));
      }
      case K::kFunction:
        return call(n, in);
    }
    return Value();
  }

  /// `LIST[?cond] | sort_by(@, &Key) | [-1]...` — the runbook idiom for "the newest snapshot" —
  /// answered without building LIST when LIST is a lazy array already in ascending order of
  /// Key: the last element of the stable sort is then the last element satisfying the
  /// filters. Nullopt when the query is not of this shape (it is then evaluated as written).
  std::optional<Value> newest_of_sorted(const Node& pipe, const Value& in) const {
    const Node::Newest* plan = pipe.newest.get();
    if (plan == nullptr) return std::nullopt;
    const Value base = eval(*plan->list, in);
    const models::LazyArray* lazy = base.lazy();
    if (lazy == nullptr || lazy->ascending_by() != plan->key) return std::nullopt;
    std::optional<Value> newest = lazy->last_match(
        [&](const Value& e) {
          return std::all_of(plan->conditions.begin(), plan->conditions.end(),
                             [&](const Node* c) { return eval(*c, e).truthy(); });
        },
        plan->fields);
    Array picked;
    if (newest) picked.push_back(std::move(*newest));
    return eval(*pipe.children[1], Value(std::move(picked)));
  }

  Value by_key(const Node& n, const Value& in, bool max) const {
    const Value list = eval(*n.children[0], in);
    if (!list.is_array() || n.children[1]->kind != Node::Kind::kExpref) return Value();
    const Node& key = *n.children[1]->children[0];
    const Value* best = nullptr;
    Value best_key;
    for (const Value& e : list.as_array()) {
      Value k = eval(key, e);
      if (best == nullptr || order(k, best_key).value_or(0) * (max ? 1 : -1) > 0) {
        best = &e;
        best_key = std::move(k);
      }
    }
    return best ? *best : Value();
  }

  Value call(const Node& n, const Value& in) const {
    const std::string& f = n.name;
    auto arg = [&](std::size_t i) { return eval(*n.children[i], in); };
    if (f == "sort_by") {
      const Value list = arg(0);
      if (!list.is_array() || n.children[1]->kind != Node::Kind::kExpref) return Value();
      const Node& key = *n.children[1]->children[0];
      std::vector<std::pair<Value, Value>> keyed;
      for (const Value& e : list.as_array()) keyed.emplace_back(eval(key, e), e);
      std::stable_sort(keyed.begin(), keyed.end(), [&](const auto& a, const auto& b) {
        return order(a.first, b.first).value_or(0) < 0;
      });
      Array out;
      for (auto& [k, e] : keyed) out.push_back(std::move(e));
      return Value(std::move(out));
    }
    if (f == "max_by" || f == "min_by") return by_key(n, in, f == "max_by");
    if (f == "not_null") {
      for (std::size_t i = 0; i < n.children.size(); ++i) {
        Value v = arg(i);
        if (!v.is_null()) return v;
      }
      return Value();
    }
    const Value a = arg(0);
    if (f == "length") {
      if (a.is_string()) return Value(static_cast<std::int64_t>(a.as_string().size()));
      return a.is_array() || a.is_object() ? Value(static_cast<std::int64_t>(a.size())) : Value();
    }
    if (f == "starts_with" || f == "ends_with") {
      const Value b = arg(1);
      if (!a.is_string() || !b.is_string()) return Value();
      return Value(f == "starts_with" ? a.as_string().starts_with(b.as_string())
                                      : a.as_string().ends_with(b.as_string()));
    }
    if (f == "contains") {
      const Value b = arg(1);
      if (a.is_string() && b.is_string())
        return Value(a.as_string().find(b.as_string()) != std::string::npos);
      if (!a.is_array()) return Value();
      return Value(std::any_of(a.as_array().begin(), a.as_array().end(),
                               [&](const Value& e) { return equal(e, b); }));
    }
    if (f == "sort" || f == "reverse") {
      if (a.is_string() && f == "reverse")
        return Value(std::string(a.as_string().rbegin(), a.as_string().rend()));
      if (!a.is_array()) return Value();
      Array out = a.as_array();
      if (f == "sort") {
        std::stable_sort(out.begin(), out.end(), [&](const Value& x, const Value& y) {
          return order(x, y).value_or(0) < 0;
        });
      } else {
        std::reverse(out.begin(), out.end());
      }
      return Value(std::move(out));
    }
    if (f == "max" || f == "min") {
      if (!a.is_array() || a.size() == 0) return Value();
      const Value* best = &a.as_array().front();
      for (const Value& e : a.as_array()) {
        if (order(e, *best).value_or(0) * (f == "max" ? 1 : -1) > 0) best = &e;
      }
      return *best;
    }
    if (f == "to_string") return a.is_string() ? a : Value(a.to_json(epoch));
    if (f == "to_number") {
      if (a.is_number()) return a;
      if (a.is_string()) {
        try {
          return Value(std::stod(a.as_string()));
        } catch (...) {
          return Value();
        }
      }
      return Value();
    }
    if (f == "keys" || f == "values") {
      if (!a.is_object()) return Value();
      Array out;
      for (const auto& [k, v] : a.members()) out.push_back(f == "keys" ? Value(k) : v);
      return Value(std::move(out));
    }
    if (f == "join") {
      const Value list = arg(1);
      if (!a.is_string() || !list.is_array()) return Value();
      std::string out;
      for (const Value& e : list.as_array()) {
        if (!out.empty()) out += a.as_string();
        out += e.to_text(epoch);
      }
      return Value(out);
    }
    if (f == "type") {
      static const char* names[] = {"null",   "boolean", "number", "number",
                                    "string", "string",  "array",  "object"};
      return Value(names[static_cast<int>(a.type())]);
    }
    return Value();
  }
};

}  // namespace

std::string expand_variables(
    std::string_view text, const std::function<std::optional<std::string>(std::string_view)>& value,
    std::string& missing) {
  std::string out;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t open = text.find("${", at);
    const std::size_t close = open == std::string_view::npos ? open : text.find('}', open);
    if (close == std::string_view::npos) break;
    out.append(text.substr(at, open - at));
    const std::string_view name = text.substr(open + 2, close - open - 2);
    const std::optional<std::string> v = value(name);
    if (!v) {
      missing = std::string(name);
      return out;
    }
    out += *v;
    at = close + 1;
  }
  out.append(text.substr(std::min(at, text.size())));
  return out;
}

Query Query::compile(std::string_view text) {
  Query q;
  q.text_ = std::string(text);
  q.root_ = Parser(q.text_).parse();
  return q;
}

std::string_view Query::resource_member() const {
  using K = Node::Kind;
  std::vector<const Node*> path;
  if (!flat_path(*root_, path) || path.size() < 3 || path[0]->kind != K::kField ||
      path[1]->kind != K::kIndex || path[2]->kind != K::kField)
    return {};
  return path[2]->name;
}

Value Query::evaluate(const Value& input, std::int64_t epoch_unix_ms) const {
  return Evaluator{epoch_unix_ms}.eval(*root_, input);
}

}  // namespace drsim::scenarios
