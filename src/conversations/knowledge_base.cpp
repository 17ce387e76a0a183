// The knowledge base (knowledge_base.h): articles as "article" documents,
// their published versions indexed for search.
#include "conversations/knowledge_base.h"

#include <boost/json.hpp>

#include <algorithm>
#include <mutex>

#include "core/json_format.h"
#include "core/text.h"

namespace guichet::conversations {

namespace json = boost::json;

namespace {

constexpr const char* kArticle = "article";

std::string text_at(const json::object& object, const char* key) {
  const json::value* value = object.if_contains(key);
  return value && value->is_string() ? std::string(value->as_string()) : std::string();
}

std::int64_t int_at(const json::object& object, const char* key) {
  const json::value* value = object.if_contains(key);
  return value && value->is_int64() ? value->as_int64() : 0;
}

// The stored form of a content (its title is the document's name).
json::object content_json(const ArticleContent& content, bool with_title) {
  json::object out;
  if (with_title) out["title"] = content.title;
  out["body"] = content.body;
  json::array tags;
  for (const std::string& tag : content.tags)
    tags.emplace_back(tag);
  out["tags"] = std::move(tags);
  json::array links;
  for (const knowledge::Link& link : content.links)
    links.push_back(json::object{{"title", link.title}, {"url", link.url}});
  out["links"] = std::move(links);
  return out;
}

ArticleContent content_of(const json::object& object, std::string title) {
  ArticleContent content;
  content.title = std::move(title);
  content.body = text_at(object, "body");
  if (const json::value* tags = object.if_contains("tags"); tags && tags->is_array()) {
    for (const json::value& tag : tags->as_array())
      if (tag.is_string()) content.tags.emplace_back(tag.as_string());
  }
  if (const json::value* links = object.if_contains("links"); links && links->is_array()) {
    for (const json::value& link : links->as_array()) {
      if (link.is_object())
        content.links.push_back(
            {text_at(link.as_object(), "title"), text_at(link.as_object(), "url")});
    }
  }
  return content;
}

ArticleRecord record_of(const store::Document& document) {
  ArticleRecord record;
  record.id = document.id;
  boost::system::error_code ec;
  json::value body = json::parse(document.body_json, ec);
  if (ec || !body.is_object()) {
    record.draft.title = document.name;
    return record;
  }
  const json::object& object = body.as_object();
  record.draft = content_of(object, document.name);
  record.updated_at = time_from_ms(int_at(object, "updated_at_ms"));
  record.updated_by = static_cast<std::uint64_t>(int_at(object, "updated_by"));
  if (const json::value* published = object.if_contains("published");
      published && published->is_object()) {
    const json::object& p = published->as_object();
    PublishedArticle version;
    version.content = content_of(p, text_at(p, "title"));
    version.version = static_cast<int>(int_at(p, "version"));
    version.at = time_from_ms(int_at(p, "at_ms"));
    version.by = static_cast<std::uint64_t>(int_at(p, "by"));
    record.published = std::move(version);
  }
  return record;
}

store::Document document_of(const ArticleRecord& record, int versions) {
  store::Document document;
  document.kind = kArticle;
  document.id = record.id;
  document.name = record.draft.title;
  json::object body = content_json(record.draft, false);
  body["updated_at_ms"] = to_ms(record.updated_at);
  body["updated_by"] = record.updated_by;
  body["versions"] = versions;  // published so far: a withdrawn one keeps its number
  if (record.published) {
    json::object published = content_json(record.published->content, true);
    published["version"] = record.published->version;
    published["at_ms"] = to_ms(record.published->at);
    published["by"] = record.published->by;
    body["published"] = std::move(published);
  }
  document.body_json = json_text(body);
  return document;
}

int versions_of(const store::Document& document) {
  boost::system::error_code ec;
  json::value body = json::parse(document.body_json, ec);
  return !ec && body.is_object() ? static_cast<int>(int_at(body.as_object(), "versions")) : 0;
}

knowledge::Article searchable(std::uint64_t id, const ArticleContent& content) {
  return {id, content.title, content.body, content.tags, content.links};
}

bool has_control(std::string_view text, bool newlines_allowed) {
  return std::any_of(text.begin(), text.end(), [newlines_allowed](char c) {
    const auto byte = static_cast<unsigned char>(c);
    if (newlines_allowed && (c == '\n' || c == '\r' || c == '\t')) return false;
    return byte < 0x20 || byte == 0x7F;
  });
}

// An address a citizen may be sent to: http(s), a host, nothing that is
// not printable ASCII (an encoded address is; a space or a quote is not).
bool web_address(std::string_view url) {
  const bool https = url.starts_with("https://");
  if (!https && !url.starts_with("http://")) return false;
  const std::string_view rest = url.substr(https ? 8 : 7);
  if (rest.empty() || rest.front() == '/' || url.size() > 500) return false;
  return std::all_of(url.begin(), url.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte > 0x20 && byte < 0x7F && c != '"' && c != '<' && c != '>' && c != '\\';
  });
}

Result<ArticleContent> checked(ArticleContent content) {
  content.title = trimmed(std::move(content.title));
  content.body = trimmed(std::move(content.body));
  if (content.title.empty() || utf8_length(content.title) > 150 ||
      has_control(content.title, false))
    return invalid_argument("1 to 150 characters, on one line", "title");
  if (content.body.empty() || utf8_length(content.body) > 20000 || has_control(content.body, true))
    return invalid_argument("1 to 20000 characters", "body");
  if (content.tags.size() > 20) return invalid_argument("at most 20 tags", "tags");
  std::vector<std::string> tags;
  for (std::size_t i = 0; i < content.tags.size(); ++i) {
    std::string tag = trimmed(std::move(content.tags[i]));
    if (tag.empty() || utf8_length(tag) > 50 || has_control(tag, false))
      return invalid_argument("1 to 50 characters", "tags[" + std::to_string(i) + "]");
    if (std::find(tags.begin(), tags.end(), tag) == tags.end()) tags.push_back(std::move(tag));
  }
  content.tags = std::move(tags);
  if (content.links.size() > 10) return invalid_argument("at most 10 links", "links");
  for (std::size_t i = 0; i < content.links.size(); ++i) {
    knowledge::Link& link = content.links[i];
    const std::string where = "links[" + std::to_string(i) + "]";
    link.title = trimmed(std::move(link.title));
    link.url = trimmed(std::move(link.url));
    if (link.title.empty() || utf8_length(link.title) > 150 || has_control(link.title, false))
      return invalid_argument("1 to 150 characters", where + ".title");
    if (!web_address(link.url))
      return invalid_argument("an http:// or https:// address, up to 500 characters",
                              where + ".url");
  }
  return content;
}

}  // namespace

std::string ArticleRecord::state() const {
  if (!published) return "draft";
  return published->content == draft ? "published" : "changed";
}

struct KnowledgeBase::Impl {
  store::Store& store;
  Clock clock;
  std::unique_ptr<knowledge::Index> index;
  std::mutex changes;  // one change at a time: read, change, write

  Result<store::Document> stored(std::uint64_t id) {
    auto document = store.document(kArticle, id);
    if (!document) return not_found("no such article", "id");
    return document;
  }

  Result<ArticleRecord> save(const ArticleRecord& record, int versions, std::uint64_t user) {
    auto saved = store.put_document(document_of(record, versions), user, clock());
    if (!saved) {
      // An article's name is its title: two cannot have the same.
      if (saved.error().code == ErrorCode::kAlreadyExists)
        return already_exists("another article has this title", "title");
      return saved.error();
    }
    return record_of(*saved);
  }

  // The index follows what the store now says (after a change was kept).
  Status reindex(const ArticleRecord& record) {
    if (record.published) return index->put(searchable(record.id, record.published->content));
    return index->remove(record.id);
  }
};

KnowledgeBase::KnowledgeBase(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
KnowledgeBase::~KnowledgeBase() = default;

Result<std::unique_ptr<KnowledgeBase>> KnowledgeBase::open(store::Store& store, Clock clock) {
  auto index = knowledge::Index::open();
  if (!index) return index.status();
  auto impl = std::unique_ptr<Impl>(new Impl{store, std::move(clock), std::move(*index), {}});
  return std::unique_ptr<KnowledgeBase>(new KnowledgeBase(std::move(impl)));
}

Status KnowledgeBase::load() {
  auto documents = impl_->store.documents(kArticle);
  if (!documents) return documents.status();
  std::vector<knowledge::Article> published;
  for (const store::Document& document : *documents) {
    ArticleRecord record = record_of(document);
    if (record.published) published.push_back(searchable(record.id, record.published->content));
  }
  return impl_->index->put_all(published);
}

Result<ArticleRecord> KnowledgeBase::create(ArticleContent content, std::uint64_t user) {
  auto valid = checked(std::move(content));
  if (!valid) return valid.error();
  std::lock_guard lock(impl_->changes);
  ArticleRecord record;
  record.draft = std::move(*valid);
  record.updated_at = impl_->clock();
  record.updated_by = user;
  return impl_->save(record, 0, user);
}

Result<ArticleRecord> KnowledgeBase::update(std::uint64_t id, ArticleContent content,
                                            std::uint64_t user) {
  auto valid = checked(std::move(content));
  if (!valid) return valid.error();
  std::lock_guard lock(impl_->changes);
  auto document = impl_->stored(id);
  if (!document) return document.error();
  ArticleRecord record = record_of(*document);
  record.draft = std::move(*valid);
  record.updated_at = impl_->clock();
  record.updated_by = user;
  return impl_->save(record, versions_of(*document), user);
}

Result<ArticleRecord> KnowledgeBase::publish(std::uint64_t id, std::uint64_t user) {
  std::lock_guard lock(impl_->changes);
  auto document = impl_->stored(id);
  if (!document) return document.error();
  ArticleRecord record = record_of(*document);
  if (record.state() == "published") return record;  // nothing new: no new version
  const int versions =
      std::max(versions_of(*document), record.published ? record.published->version : 0) + 1;
  record.published = PublishedArticle{record.draft, versions, impl_->clock(), user};
  auto saved = impl_->save(record, versions, user);
  if (!saved) return saved;
  if (Status s = impl_->reindex(*saved); !s) return s.error();
  return saved;
}

Result<ArticleRecord> KnowledgeBase::withdraw(std::uint64_t id, std::uint64_t user) {
  std::lock_guard lock(impl_->changes);
  auto document = impl_->stored(id);
  if (!document) return document.error();
  ArticleRecord record = record_of(*document);
  if (!record.published) return record;
  record.published.reset();
  auto saved = impl_->save(record, versions_of(*document), user);
  if (!saved) return saved;
  if (Status s = impl_->reindex(*saved); !s) return s.error();
  return saved;
}

Status KnowledgeBase::remove(std::uint64_t id, std::uint64_t user) {
  std::lock_guard lock(impl_->changes);
  if (auto document = impl_->stored(id); !document) return document.status();
  if (Status s = impl_->store.delete_document(kArticle, id, user, impl_->clock()); !s) return s;
  return impl_->index->remove(id);
}

Result<ArticleRecord> KnowledgeBase::article(std::uint64_t id) {
  auto document = impl_->stored(id);
  if (!document) return document.error();
  return record_of(*document);
}

Result<std::vector<ArticleRecord>> KnowledgeBase::articles() {
  auto documents = impl_->store.documents(kArticle);
  if (!documents) return documents.error();
  std::vector<ArticleRecord> out;
  out.reserve(documents->size());
  for (const store::Document& document : *documents)
    out.push_back(record_of(document));
  return out;
}

Result<KnowledgeHits> KnowledgeBase::search(std::string_view question, std::size_t limit) {
  if (question.empty() || utf8_length(question) > 500)
    return invalid_argument("1 to 500 characters", "q");
  if (limit < 1 || limit > 10) return invalid_argument("1 to 10", "limit");
  return impl_->index->search(question, limit);
}

}  // namespace guichet::conversations
