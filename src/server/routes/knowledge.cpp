// /api/v1/articles and /api/v1/knowledge: the knowledge base. Supervisors
// and admins write articles (drafts), publish and withdraw them; every
// role searches what is published (agents from their desk). The domain
// takes and gives typed values: the JSON is read and written here.
#include <map>

#include "conversations/knowledge_base.h"
#include "core/json_format.h"
#include "server/routes/routes.h"

namespace guichet::server::routes {

namespace json = boost::json;
using conversations::ArticleContent;
using conversations::ArticleRecord;

namespace {

// {"tags":[…],"links":[{"title","url"}]} as written by content_json.
std::string lists_json(const ArticleContent& content) {
  std::string out = "\"tags\":[";
  for (std::size_t i = 0; i < content.tags.size(); ++i)
    out += (i ? "," : "") + json_quote(content.tags[i]);
  out += "],\"links\":[";
  for (std::size_t i = 0; i < content.links.size(); ++i) {
    out += (i ? "," : "") + std::string("{\"title\":") + json_quote(content.links[i].title) +
           ",\"url\":" + json_quote(content.links[i].url) + "}";
  }
  return out + "]";
}

std::string content_json(const ArticleContent& content) {
  return "\"title\":" + json_quote(content.title) + ",\"body\":" + json_quote(content.body) + "," +
         lists_json(content);
}

// Who changed it, by name: the editors' list shows people, not ids.
class Names {
 public:
  explicit Names(store::Store& store) : store_(store) {}
  std::string operator()(std::uint64_t user) {
    auto known = names_.find(user);
    if (known != names_.end()) return known->second;
    auto found = store_.user_by_id(user);
    std::string name = !found                         ? ""
                       : !found->display_name.empty() ? found->display_name
                                                      : found->username;
    return names_[user] = name;
  }

 private:
  store::Store& store_;
  std::map<std::uint64_t, std::string> names_;
};

// {"id","title","body","tags","links","state","updated_at","updated_by",
// "updated_by_name","published":null|{"title","body","tags","links",
// "version","at","by","by_name"}}
std::string article_json(const ArticleRecord& record, Names& names) {
  std::string out = "{\"id\":" + std::to_string(record.id) + "," + content_json(record.draft) +
                    ",\"state\":" + json_quote(record.state()) +
                    ",\"updated_at\":" + json_quote(iso8601(record.updated_at)) +
                    ",\"updated_by\":" + std::to_string(record.updated_by) +
                    ",\"updated_by_name\":" + json_quote(names(record.updated_by)) +
                    ",\"published\":";
  if (!record.published) return out + "null}";
  const conversations::PublishedArticle& p = *record.published;
  return out + "{" + content_json(p.content) + ",\"version\":" + std::to_string(p.version) +
         ",\"at\":" + json_quote(iso8601(p.at)) + ",\"by\":" + std::to_string(p.by) +
         ",\"by_name\":" + json_quote(names(p.by)) + "}}";
}

HttpResponse answer(ApiContext& api, const Result<ArticleRecord>& result, int status = 200) {
  Names names(api.store);
  return from_result(
      result, [&names](const ArticleRecord& r) { return article_json(r, names); }, status);
}

// {"title","body","tags"?,"links"?} as an editor sends it.
Result<ArticleContent> content_of(const HttpRequest& request) {
  auto body = parse_body(request, {{"title", json::kind::string, true},
                                   {"body", json::kind::string, true},
                                   {"tags", json::kind::array, false},
                                   {"links", json::kind::array, false}});
  if (!body) return body.error();
  ArticleContent content;
  content.title = json_body::string_or(*body, "title", "");
  content.body = json_body::string_or(*body, "body", "");
  if (const json::value* tags = body->if_contains("tags")) {
    for (std::size_t i = 0; i < tags->as_array().size(); ++i) {
      const json::value& tag = tags->as_array()[i];
      if (!tag.is_string())
        return invalid_argument("must be a string", "tags[" + std::to_string(i) + "]");
      content.tags.emplace_back(tag.as_string());
    }
  }
  if (const json::value* links = body->if_contains("links")) {
    for (std::size_t i = 0; i < links->as_array().size(); ++i) {
      const std::string where = "links[" + std::to_string(i) + "]";
      const json::value& link = links->as_array()[i];
      if (!link.is_object()) return invalid_argument("must be an object", where);
      if (Status s = json_body::check_fields(
              link.as_object(),
              {{"title", json::kind::string, true}, {"url", json::kind::string, true}}, where);
          !s) {
        return s.error();
      }
      content.links.push_back({json_body::string_or(link.as_object(), "title", ""),
                               json_body::string_or(link.as_object(), "url", "")});
    }
  }
  return content;
}

// GET /api/v1/knowledge/search?q=…&limit=3: [{"id","title","body","tags",
// "links","excerpt","score","coverage","answers"}], best first; "answers":
// whether the chatbot would answer with it (supervisors try their tags).
HttpResponse search(ApiContext& api, const Call& call) {
  const std::string question = call.request.query_param("q").value_or("");
  std::size_t limit = 5;
  if (auto asked = call.request.query_param("limit")) {
    auto number = parse_id(*asked);
    if (!number || *number > 10) return error_response(400, "invalid_argument", "1 to 10", "limit");
    limit = static_cast<std::size_t>(*number);
  }
  auto hits = api.knowledge.search(question, limit);
  if (!hits) return from_error(hits.error());
  std::string out = "[";
  for (std::size_t i = 0; i < hits->size(); ++i) {
    const knowledge::Hit& hit = (*hits)[i];
    ArticleContent content{hit.article.title, hit.article.body, hit.article.tags,
                           hit.article.links};
    out += (i ? ",{" : "{") + std::string("\"id\":") + std::to_string(hit.article.id) + "," +
           content_json(content) + ",\"excerpt\":" + json_quote(hit.excerpt) +
           ",\"score\":" + json_number(hit.score, 3) +
           ",\"coverage\":" + json_number(hit.coverage, 3) +
           ",\"answers\":" + (hit.coverage >= knowledge::kAnswerCoverage ? "true" : "false") + "}";
  }
  return json_response(200, out + "]");
}

}  // namespace

std::vector<Route> knowledge() {
  return {
      {"GET", "/api/v1/articles", Access::kManager,
       [](ApiContext& api, const Call&) {
         auto all = api.knowledge.articles();
         if (!all) return from_error(all.error());
         Names names(api.store);
         std::string out = "[";
         for (std::size_t i = 0; i < all->size(); ++i)
           out += (i ? "," : "") + article_json((*all)[i], names);
         return json_response(200, out + "]");
       }},
      {"POST", "/api/v1/articles", Access::kManager,
       [](ApiContext& api, const Call& call) {
         auto content = content_of(call.request);
         if (!content) return from_error(content.error());
         return answer(api, api.knowledge.create(std::move(*content), call.me()), 201);
       }},
      {"GET", "/api/v1/articles/{id}", Access::kManager,
       [](ApiContext& api, const Call& call) {
         return answer(api, api.knowledge.article(call.id));
       }},
      {"PUT", "/api/v1/articles/{id}", Access::kManager,
       [](ApiContext& api, const Call& call) {
         auto content = content_of(call.request);
         if (!content) return from_error(content.error());
         return answer(api, api.knowledge.update(call.id, std::move(*content), call.me()));
       }},
      {"DELETE", "/api/v1/articles/{id}", Access::kManager,
       [](ApiContext& api, const Call& call) {
         Status s = api.knowledge.remove(call.id, call.me());
         return s ? no_content() : from_error(s.error());
       }},
      {"POST", "/api/v1/articles/{id}/publish", Access::kManager,
       [](ApiContext& api, const Call& call) {
         return answer(api, api.knowledge.publish(call.id, call.me()));
       }},
      {"POST", "/api/v1/articles/{id}/withdraw", Access::kManager,
       [](ApiContext& api, const Call& call) {
         return answer(api, api.knowledge.withdraw(call.id, call.me()));
       }},
      {"GET", "/api/v1/knowledge/search", Access::kSignedIn, search},
  };
}

}  // namespace guichet::server::routes
