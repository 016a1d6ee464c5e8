// What an AWS operation returns, as the CLI's `--query` sees it: null, booleans, numbers,
// strings, timestamps, arrays and objects. The mock cloud builds these; the live backend
// will parse the CLI's JSON into them; runbook queries read them.
//
// Values are immutable once built and share their arrays and objects, so a query that
// projects or sorts copies pointers, not documents. Timestamps are their own kind (virtual
// milliseconds since the scenario epoch) so that sorting by SnapshotCreateTime is a number
// comparison; they print as ISO 8601 like the CLI's output.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "sim/text.hpp"
#include "sim/time.hpp"

namespace drsim::models {

class Value;

// GCC 12 at -O1 with sanitizers thinks an initializer list's keys may be destroyed unbuilt
// on its exception paths (a false positive: every constructor sets owned_).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
/// The name of an object's member. Nearly all are AWS's fixed names ("DBSnapshotIdentifier"),
/// written as string literals: those are referred to, never copied, so a model's answer does
/// not allocate a copy of every name in it. Any other name (parsed JSON, a query's
/// multiselect, a variable) is copied and owned.
class Key {
 public:
  /// A string literal: it lives as long as the program.
  template <std::size_t N>
  Key(const char (&literal)[N]) noexcept : data_(literal), size_(N - 1) {}
  explicit Key(std::string_view name) : owned_(copy(name)), data_(owned_), size_(name.size()) {}
  /// A name that lives as long as the program (e.g. an element of a constexpr table).
  static Key fixed(std::string_view name) noexcept { return Key(name.data(), name.size()); }

  Key(const Key& other)
      : owned_(other.owned_ ? copy(other.view()) : nullptr),
        data_(owned_ ? owned_ : other.data_),
        size_(other.size_) {}
  Key(Key&& other) noexcept
      : owned_(std::exchange(other.owned_, nullptr)), data_(other.data_), size_(other.size_) {}
  Key& operator=(Key other) noexcept {
    std::swap(owned_, other.owned_);
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
    return *this;
  }
  ~Key() { delete[] owned_; }

  std::string_view view() const noexcept { return {data_, size_}; }
  operator std::string_view() const noexcept { return view(); }
  // Member names are compared by every lookup of an answer: inline, a word at a time.
  friend bool operator==(const Key& a, const Key& b) noexcept { return sim::same(a, b); }
  friend bool operator==(const Key& a, std::string_view b) noexcept { return sim::same(a, b); }

 private:
  Key(const char* data, std::size_t size) noexcept : data_(data), size_(size) {}
  static char* copy(std::string_view name) {
    char* out = new char[name.size() + 1];
    name.copy(out, name.size());
    out[name.size()] = '\0';
    return out;
  }
  char* owned_ = nullptr;  // the name's own copy, or null when it refers to a literal
  const char* data_;
  std::size_t size_;
};
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

using Array = std::vector<Value>;
using Members = std::vector<std::pair<Key, Value>>;  // in insertion order, like AWS

class LazyArray;

/// A virtual instant, as a value kind of its own.
struct Timestamp {
  sim::Time at = 0;
  friend bool operator==(const Timestamp&, const Timestamp&) = default;
};

class Value {
 public:
  enum class Type : std::uint8_t { kNull, kBool, kInt, kDouble, kString, kTime, kArray, kObject };

  Value() = default;
  Value(std::nullptr_t) {}
  Value(bool b) : data_(b) {}
  Value(int i) : data_(static_cast<std::int64_t>(i)) {}
  Value(std::int64_t i) : data_(i) {}
  Value(std::uint64_t i) : data_(static_cast<std::int64_t>(i)) {}
  Value(double d) : data_(d) {}
  Value(const char* s) : data_(std::string(s)) {}
  Value(std::string s) : data_(std::move(s)) {}
  Value(std::string_view s) : data_(std::string(s)) {}
  Value(Timestamp t) : data_(t) {}
  Value(Array a) : data_(std::make_shared<const Array>(std::move(a))) {}
  Value(Members m) : data_(std::make_shared<const Members>(std::move(m))) {}
  /// An array whose elements are built when first needed (see LazyArray).
  Value(std::shared_ptr<const LazyArray> a) : data_(std::move(a)) {}

  struct Member;
  /// {{"DBSnapshotIdentifier", "x"}, {"Status", "available"}}
  static Value object(std::initializer_list<Member> members);

  Type type() const {
    const std::size_t i = data_.index();
    return i == kLazyIndex ? Type::kArray : static_cast<Type>(i);
  }
  bool is_null() const { return type() == Type::kNull; }
  bool is_string() const { return type() == Type::kString; }
  bool is_array() const { return type() == Type::kArray; }
  bool is_object() const { return type() == Type::kObject; }
  bool is_number() const { return type() == Type::kInt || type() == Type::kDouble; }

  bool as_bool() const { return std::get<bool>(data_); }
  std::int64_t as_int() const { return std::get<std::int64_t>(data_); }
  double as_double() const;  // ints too
  const std::string& as_string() const { return std::get<std::string>(data_); }
  /// The string, or `fallback` when this is not one (a member AWS left out, say).
  std::string_view string_or(std::string_view fallback = {}) const {
    return is_string() ? std::string_view(as_string()) : fallback;
  }
  Timestamp as_time() const { return std::get<Timestamp>(data_); }
  const Array& as_array() const;
  /// The lazy array this value is, or nullptr (also for arrays already built).
  const LazyArray* lazy() const;
  const Members& members() const { return *std::get<std::shared_ptr<const Members>>(data_); }

  /// The member named `key` of an object, or null (also when this is not an object).
  const Value& operator[](std::string_view key) const;
  /// Element `index` of an array (negative counts from the end), or null.
  const Value& at(std::int64_t index) const;
  std::size_t size() const;  // of an array or object; 0 otherwise

  /// JMESPath truthiness: false, null, "", [], {} are false.
  bool truthy() const;

  /// Compact JSON, as the CLI prints with --output json; timestamps in ISO 8601 UTC from
  /// `epoch_unix_ms` (the scenario's epoch).
  std::string to_json(std::int64_t epoch_unix_ms = 0) const;
  /// What `--output text` prints for a scalar (strings unquoted, null as "None").
  std::string to_text(std::int64_t epoch_unix_ms = 0) const;
  /// The same, appended to `out`.
  void append_text(std::string& out, std::int64_t epoch_unix_ms = 0) const;

  /// Makes this value an empty string and returns it to be written, keeping the storage of
  /// the string it held: for a value being built in a buffer kept from one request to the
  /// next (a request's parameter), never for one a query or an answer may share.
  std::string& string_buffer();

  friend bool operator==(const Value& a, const Value& b);

 private:
  static constexpr std::size_t kLazyIndex = 8;
  std::variant<std::monostate, bool, std::int64_t, double, std::string, Timestamp,
               std::shared_ptr<const Array>, std::shared_ptr<const Members>,
               std::shared_ptr<const LazyArray>>
      data_;
};

/// One member of `Value::object`'s list. An initializer list's elements are const; the value
/// is mutable so that `object` moves it (an array or object by pointer) instead of copying.
struct Value::Member {
  mutable Key key;
  mutable Value value;
};

/// An array a model can hand out without building every element: a region's snapshot listing
/// holds hundreds of AWS-shaped objects, and the runbook's query usually wants the newest one.
/// Everything that needs the elements gets them all (built once); a query that only wants the
/// last element satisfying a condition asks `last_match`, which a source may answer by
/// building elements from the end. Either way the result is the same as with a built array.
class LazyArray {
 public:
  virtual ~LazyArray() = default;
  /// Every element, in order; built on first use, then kept.
  const Array& elements() const;
  /// The last element for which `match` holds, or nullopt. When `fields` is not empty, neither
  /// `match` nor the caller reads any other member of an element: a source may build only
  /// those (as Request::fields).
  virtual std::optional<Value> last_match(const std::function<bool(const Value&)>& match,
                                          std::span<const std::string_view> fields = {}) const;
  /// When non-empty: every element is an object whose member of this name is a timestamp,
  /// and the elements are in non-decreasing order of it (so a stable sort by it is a no-op).
  virtual std::string_view ascending_by() const { return {}; }

 protected:
  virtual Array build() const = 0;

 private:
  mutable std::optional<Array> built_;
};

/// "2026-01-05T03:00:00.000Z" for `t` milliseconds after the epoch `epoch_unix_ms`.
std::string iso8601(sim::Time t, std::int64_t epoch_unix_ms);
/// "2026-01-05-03-00": the time suffix AWS gives automated snapshot identifiers, after
/// `prefix` ("rds:mangu-db-") when one is given, written over `out` (whose storage is reused:
/// most identifiers are only hashed for a draw).
void snapshot_stamp(std::string& out, sim::Time t, std::int64_t epoch_unix_ms,
                    std::string_view prefix = {});

/// A UTC calendar instant.
struct CivilTime {
  int year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0, millisecond = 0;
};
CivilTime civil_time(std::int64_t unix_ms);
/// The virtual time of an ISO 8601 UTC timestamp ("2026-01-05T03:00:00Z", fraction and
/// "+00:00" optional), or nullopt when `text` is not one.
std::optional<sim::Time> parse_iso8601(std::string_view text, std::int64_t epoch_unix_ms);
/// A timestamp given as a Timestamp value or an ISO 8601 string.
std::optional<sim::Time> time_of(const Value& v, std::int64_t epoch_unix_ms);

}  // namespace drsim::models
