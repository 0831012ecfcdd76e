// ruby_yaml.cpp - YAML (Psych/Syck output) to ruby::Value tree via libyaml's
// event API (see ruby_yaml.h).
//
// The tree is built iteratively with an explicit stack of open collections,
// so nesting depth costs no C++ stack; Limits::max_depth still stops hostile
// nesting early (libyaml's own stacks would grow with it).
#include "dissector/ruby/ruby_yaml.h"

#include <yaml.h>

#include <cstring>
#include <new>
#include <string>
#include <unordered_map>
#include <vector>

#include "dissector/ruby/ruby_yaml_scalar.h"

namespace ruby {

namespace {

// libyaml marks count characters; the tree wants byte offsets. Marks arrive
// almost in order, so a cursor that walks forward (or back) from the last
// answer keeps the total work linear.
class CharToByte {
 public:
  CharToByte(const uint8_t* d, size_t n) : d_(d), n_(n) {}

  size_t operator()(size_t char_index) {
    while (ci_ < char_index && bi_ < n_) {
      ++bi_;
      while (bi_ < n_ && (d_[bi_] & 0xC0) == 0x80) ++bi_;
      ++ci_;
    }
    while (ci_ > char_index && bi_ > 0) {
      --bi_;
      while (bi_ > 0 && (d_[bi_] & 0xC0) == 0x80) --bi_;
      --ci_;
    }
    return bi_;
  }

 private:
  const uint8_t* d_;
  size_t n_;
  size_t ci_ = 0, bi_ = 0;
};

struct ParserGuard {
  yaml_parser_t parser;
  bool ready = false;
  ~ParserGuard() {
    if (ready) yaml_parser_delete(&parser);
  }
};

struct EventGuard {
  yaml_event_t event;
  bool live = false;
  void release() {
    if (live) yaml_event_delete(&event);
    live = false;
  }
  ~EventGuard() { release(); }
};

std::string_view sv(const yaml_char_t* s) {
  return s ? std::string_view(reinterpret_cast<const char*>(s)) : std::string_view();
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

class Builder {
  struct Frame {
    Value* node;
    size_t mark;
  };

 public:
  Builder(const uint8_t* d, size_t n, core::Arena& a, const Limits& lim, DecodeResult& r)
      : d_(d), n_(n), arena_(a), lim_(lim), r_(r), bytes_(d, n) {}

  void run() {
    ParserGuard pg;
    if (!yaml_parser_initialize(&pg.parser)) {
      set_error(r_, ErrorCode::ArenaExhausted, 0, "libyaml: out of memory");
      return;
    }
    pg.ready = true;
    yaml_parser_set_input_string(&pg.parser, d_, n_);
    // MCollective YAML is UTF-8; forcing it keeps offsets byte-countable.
    yaml_parser_set_encoding(&pg.parser, YAML_UTF8_ENCODING);

    EventGuard eg;
    bool in_doc = false;
    while (!failed_) {
      if (!yaml_parser_parse(&pg.parser, &eg.event)) {
        syntax_error(pg.parser);
        break;
      }
      eg.live = true;
      const yaml_event_t& e = eg.event;
      size_t start = bytes_(e.start_mark.index);
      size_t end = bytes_(e.end_mark.index);
      switch (e.type) {
        case YAML_STREAM_START_EVENT:
          break;
        case YAML_DOCUMENT_START_EVENT:
          in_doc = true;
          break;
        case YAML_DOCUMENT_END_EVENT:
          r_.consumed = end;
          eg.release();
          note_more_documents(pg.parser);
          finish();
          return;
        case YAML_STREAM_END_EVENT:
          if (!in_doc) set_error(r_, ErrorCode::Empty, 0, "no YAML document");
          r_.consumed = end;
          finish();
          return;
        case YAML_ALIAS_EVENT:
          alias(sv(e.data.alias.anchor), start, end);
          break;
        case YAML_SCALAR_EVENT:
          scalar(e, start, end);
          break;
        case YAML_SEQUENCE_START_EVENT:
          open(Kind::Array, sv(e.data.sequence_start.tag), sv(e.data.sequence_start.anchor),
               start);
          break;
        case YAML_MAPPING_START_EVENT:
          open(Kind::Hash, sv(e.data.mapping_start.tag), sv(e.data.mapping_start.anchor), start);
          break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
          close(end);
          break;
        case YAML_NO_EVENT:
          break;
      }
      eg.release();
    }
    finish();
  }

 private:
  bool fail(ErrorCode code, size_t off, const char* what) {
    if (!failed_) set_error(r_, code, off, "%s", what);
    failed_ = true;
    return false;
  }

  void syntax_error(const yaml_parser_t& p) {
    size_t off;
    size_t line = 0, col = 0;
    if (p.error == YAML_READER_ERROR) {
      off = p.problem_offset;  // already a byte offset
    } else {
      off = bytes_(p.problem_mark.index);
      line = p.problem_mark.line + 1;
      col = p.problem_mark.column + 1;
    }
    if (p.error == YAML_MEMORY_ERROR) {
      set_error(r_, ErrorCode::ArenaExhausted, off, "libyaml: out of memory");
    } else if (p.error == YAML_READER_ERROR) {
      set_error(r_, ErrorCode::YamlSyntax, off, "%s at byte %zu",
                p.problem ? p.problem : "invalid input", off);
    } else {
      set_error(r_, ErrorCode::YamlSyntax, off, "%s%s%s at line %zu column %zu",
                p.context ? p.context : "", p.context ? ": " : "",
                p.problem ? p.problem : "syntax error", line, col);
    }
    failed_ = true;
  }

  // Only the first document counts; say so if the stream has more.
  void note_more_documents(yaml_parser_t& p) {
    EventGuard next;
    if (yaml_parser_parse(&p, &next.event)) {
      next.live = true;
      if (next.event.type == YAML_DOCUMENT_START_EVENT)
        add_warning(r_, bytes_(next.event.start_mark.index),
                    "further YAML documents ignored");
    }
  }

  Value* node(Kind k, size_t off) {
    if (stack_.size() + 1 > lim_.max_depth) {
      fail(ErrorCode::DepthLimit, off, "nesting deeper than the depth limit");
      return nullptr;
    }
    if (nodes_ >= lim_.max_nodes) {
      fail(ErrorCode::NodeLimit, off, "too many nodes");
      return nullptr;
    }
    Value* v = arena_.make<Value>();
    if (!v) {
      fail(ErrorCode::ArenaExhausted, off, "arena budget exhausted");
      return nullptr;
    }
    v->kind = k;
    v->offset = off;
    v->slot = static_cast<int32_t>(nodes_++);
    v->encoding = Encoding::Utf8;
    return v;
  }

  std::string_view copy(std::string_view s, size_t off) {
    if (s.empty()) return std::string_view("", 0);
    char* p = arena_.copy_str(s.data(), s.size());
    if (!p) {
      fail(ErrorCode::ArenaExhausted, off, "arena budget exhausted");
      return {};
    }
    return std::string_view(p, s.size());
  }

  void anchor(std::string_view name, Value* v) {
    if (name.empty()) return;
    auto it = anchors_.find(std::string(name));
    if (it != anchors_.end()) {
      it->second = v;  // a redefined anchor: later aliases see the new node
      return;
    }
    if (anchors_.size() >= lim_.max_anchors) {
      fail(ErrorCode::TableLimit, v->offset, "too many anchors");
      return;
    }
    anchors_.emplace(std::string(name), v);
  }

  void add(Value* v) {
    if (stack_.empty()) {
      if (!root_) root_ = v;
    } else {
      scratch_.push_back(v);
    }
  }

  void alias(std::string_view name, size_t start, size_t end) {
    auto it = anchors_.find(std::string(name));
    if (it == anchors_.end()) {
      fail(ErrorCode::YamlAlias, start, "alias to an unknown anchor");
      return;
    }
    Value* v = node(Kind::Link, start);
    if (!v) return;
    v->text = copy(name, start);
    v->ref = it->second;
    v->slot = it->second->slot;
    v->length = end - start;
    add(v);
  }

  void scalar(const yaml_event_t& e, size_t start, size_t end) {
    Value* v = node(Kind::String, start);
    if (!v) return;
    v->length = end - start;
    std::string_view raw(reinterpret_cast<const char*>(e.data.scalar.value),
                         e.data.scalar.length);
    std::string_view text = copy(raw, start);
    if (failed_) return;
    std::string_view tag = sv(e.data.scalar.tag);
    bool ok = true;
    if (!tag.empty() && tag != "!") {
      v->tag = copy(tag, start);
      ok = resolve_tagged_scalar(v->tag, text, v, arena_);
    } else if (e.data.scalar.style == YAML_PLAIN_SCALAR_STYLE && tag.empty()) {
      ok = resolve_plain_scalar(text, v, arena_);
    } else {
      // Quoted, block literal/folded, or the non-specific "!" tag: text as is.
      v->kind = Kind::String;
      v->text = text;
      v->quoted = true;
    }
    if (!ok) {
      fail(ErrorCode::ArenaExhausted, start, "arena budget exhausted");
      return;
    }
    anchor(sv(e.data.scalar.anchor), v);
    add(v);
  }

  // The node kind a collection tag asks for (!ruby/object:X -> Object X ...).
  static void apply_collection_tag(Value* v, std::string_view tag) {
    size_t colon = tag.find(':', 1);
    std::string_view cls =
        colon == std::string_view::npos || starts_with(tag, "tag:") ? std::string_view()
                                                                   : tag.substr(colon + 1);
    if (v->kind == Kind::Hash) {
      if (starts_with(tag, "!ruby/object:") || starts_with(tag, "!ruby/exception") ||
          starts_with(tag, "!ruby/marshalable:")) {
        v->kind = Kind::Object;
        v->name = cls.empty() ? std::string_view("Exception") : cls;
      } else if (starts_with(tag, "!ruby/struct")) {
        v->kind = Kind::Struct;
        v->name = cls;
      } else if (starts_with(tag, "!ruby/hash") || starts_with(tag, "tag:yaml.org,2002:")) {
        v->name = cls;  // a Hash (subclass name, if any)
      } else if (starts_with(tag, "!ruby/") && !cls.empty()) {
        v->kind = Kind::Object;
        v->name = cls;
      }
    } else if (starts_with(tag, "!ruby/array:")) {
      v->name = cls;
    }
  }

  void open(Kind k, std::string_view tag, std::string_view anchor_name, size_t start) {
    Value* v = node(k, start);
    if (!v) return;
    if (!tag.empty()) {
      v->tag = copy(tag, start);
      apply_collection_tag(v, v->tag);
    }
    anchor(anchor_name, v);
    add(v);
    stack_.push_back(Frame{v, scratch_.size()});
  }

  void commit(Frame& f) {
    Value* v = f.node;
    size_t n = scratch_.size() - f.mark;
    if (v->kind == Kind::Array) {
      if (n) {
        const Value** items = arena_.make_array<const Value*>(n);
        if (!items) {
          fail(ErrorCode::ArenaExhausted, v->offset, "arena budget exhausted");
          n = 0;
        } else {
          std::memcpy(items, scratch_.data() + f.mark, n * sizeof(const Value*));
        }
        v->items = items;
      }
      v->count = n;
    } else {
      n /= 2;  // a key without its value (cut short) is dropped
      if (n) {
        Pair* pairs = arena_.make_array<Pair>(n);
        if (!pairs) {
          fail(ErrorCode::ArenaExhausted, v->offset, "arena budget exhausted");
          n = 0;
        } else {
          for (size_t i = 0; i < n; ++i) {
            pairs[i].key = scratch_[f.mark + 2 * i];
            pairs[i].value = scratch_[f.mark + 2 * i + 1];
          }
        }
        v->pairs = pairs;
      }
      v->count = n;
    }
    scratch_.resize(f.mark);
  }

  void close(size_t end) {
    if (stack_.empty()) return;
    Frame f = stack_.back();
    commit(f);
    f.node->length = end > f.node->offset ? end - f.node->offset : 0;
    stack_.pop_back();
  }

  // Closes whatever is still open (after an error: a partial tree).
  void finish() {
    size_t here = r_.error.code == ErrorCode::None ? r_.consumed : r_.error.offset;
    while (!stack_.empty()) {
      stack_.back().node->incomplete = true;
      close(here);
    }
    r_.root = root_;
    r_.node_count = nodes_;
    if (r_.ok() && !root_) set_error(r_, ErrorCode::Empty, 0, "no YAML value");
  }

  const uint8_t* d_;
  size_t n_;
  core::Arena& arena_;
  const Limits& lim_;
  DecodeResult& r_;
  CharToByte bytes_;
  bool failed_ = false;
  size_t nodes_ = 0;
  Value* root_ = nullptr;
  std::vector<Frame> stack_;
  std::vector<const Value*> scratch_;
  std::unordered_map<std::string, Value*> anchors_;
};

}  // namespace

DecodeResult decode_yaml(const uint8_t* data, size_t len, core::Arena& arena,
                         const Limits& lim) {
  DecodeResult r;
  static const uint8_t kEmpty[1] = {0};
  if (!data) {
    data = kEmpty;
    len = 0;
  }
  try {
    Builder(data, len, arena, lim, r).run();
  } catch (const std::bad_alloc&) {
    set_error(r, ErrorCode::ArenaExhausted, 0, "out of memory");
    r.root = nullptr;
  }
  return r;
}

}  // namespace ruby
