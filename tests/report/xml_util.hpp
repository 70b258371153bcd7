// Test helper: parse XML with libxml2 (an independent parser) and query it with XPath.
#pragma once

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace hwgpt::test {

class XmlDocument {
 public:
  // Throws std::runtime_error when `text` is not well-formed XML.
  explicit XmlDocument(const std::string& text)
      : doc_(xmlReadMemory(text.data(), static_cast<int>(text.size()), "in.xml", nullptr,
                           XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING),
             xmlFreeDoc) {
    if (!doc_) throw std::runtime_error("not well-formed XML");
  }
  // Attribute `attribute` (or the text content when empty) of every node matching `xpath`; the
  // SVG namespace is bound to the prefix "s".
  std::vector<std::string> values(const std::string& xpath, const std::string& attribute = "") const {
    std::unique_ptr<xmlXPathContext, decltype(&xmlXPathFreeContext)> ctx(xmlXPathNewContext(doc_.get()),
                                                                         xmlXPathFreeContext);
    xmlXPathRegisterNs(ctx.get(), BAD_CAST "s", BAD_CAST "http://www.w3.org/2000/svg");
    std::unique_ptr<xmlXPathObject, decltype(&xmlXPathFreeObject)> result(
        xmlXPathEvalExpression(BAD_CAST xpath.c_str(), ctx.get()), xmlXPathFreeObject);
    if (!result) throw std::runtime_error("bad xpath " + xpath);
    std::vector<std::string> out;
    if (!result->nodesetval) return out;
    for (int i = 0; i < result->nodesetval->nodeNr; ++i) {
      xmlNode* node = result->nodesetval->nodeTab[i];
      xmlChar* v = attribute.empty() ? xmlNodeGetContent(node) : xmlGetProp(node, BAD_CAST attribute.c_str());
      out.emplace_back(v ? reinterpret_cast<const char*>(v) : "");
      xmlFree(v);
    }
    return out;
  }

 private:
  std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)> doc_;
};

}  // namespace hwgpt::test
