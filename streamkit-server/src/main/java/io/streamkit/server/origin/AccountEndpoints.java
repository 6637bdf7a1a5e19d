package io.streamkit.server.origin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.streamkit.core.Page;
import io.streamkit.core.PageRequest;
import io.streamkit.core.account.Account;
import io.streamkit.core.account.Accounts;
import io.streamkit.core.account.ApiKey;
import io.streamkit.core.account.AuditEntry;
import io.streamkit.core.account.AuditLog;
import io.streamkit.core.account.IssuedApiKey;
import io.streamkit.core.account.Role;
import io.streamkit.core.account.UnknownAccountException;
import io.streamkit.core.store.StreamkitStore;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accounts, their API keys and the audit log, for the {@code admin} role ({@link ManagementAccess}); every change is
 * written to the audit log in its own transaction by the store:
 *
 * <pre>
 *  GET    /api/users                 accounts, paged, oldest first
 *  POST   /api/users                 {"name", "role"} → a new account, 201
 *  GET    /api/users/{id}            one account with its keys (never their secrets)
 *  PATCH  /api/users/{id}            {"role"} → the account with its new role
 *  DELETE /api/users/{id}            deletes the account and its keys at once, 204
 *  POST   /api/users/{id}/keys       {"label"} → a new key; its secret is in this answer only, 201
 *  DELETE /api/keys/{id}             revokes a key at once, 204
 *  GET    /api/audit                 who changed what, paged, newest first
 * </pre>
 */
final class AccountEndpoints implements ApiEndpoints {

  static final String USERS = "users";
  static final String KEYS = "keys";
  static final String AUDIT = "audit";
  static final int MAX_PAGE_SIZE = 100;
  private static final Logger LOG = LoggerFactory.getLogger(AccountEndpoints.class);

  private final Accounts accounts;
  private final AuditLog audit;
  private final ManagementAccess access;

  AccountEndpoints(StreamkitStore store, ManagementAccess access) {
    this.accounts = store.accounts();
    this.audit = store.auditLog();
    this.access = access;
  }

  @Override
  public ApiExchange open(ApiCall call) {
    if (call.size() == 0) {
      return null;
    }
    String family = call.segment(0);
    boolean users = family.equals(USERS) && call.size() <= 3;
    boolean keys = family.equals(KEYS) && call.size() == 2;
    boolean log = family.equals(AUDIT) && call.size() == 1;
    if (!users && !keys && !log) {
      return null;
    }
    access.requireCredential(call);
    return access.guard(call, ManagementAccess.Permission.ADMIN, () -> route(call, call.method()));
  }

  private ApiExchange route(ApiCall call, HttpMethod method) {
    String family = call.segment(0);
    if (family.equals(AUDIT)) {
      requireMethod(method, HttpMethod.GET);
      return ApiExchange.withoutBody(() -> auditPage(call));
    }
    if (family.equals(KEYS)) {
      requireMethod(method, HttpMethod.DELETE);
      String keyId = call.segment(1);
      return ApiExchange.withoutBody(() -> {
        if (accounts.revokeKey(call.principal().actor(), keyId).isEmpty()) {
          throw ApiException.notFound("no API key has the id '" + LogText.escape(keyId) + "'; list an account's"
              + " keys with GET /api/users/{id}");
        }
        LOG.info("API key {} revoked by {}", keyId, call.principal().actor());
        call.respond(HttpResponseStatus.NO_CONTENT, null);
      });
    }
    if (call.size() == 1) {
      if (method.equals(HttpMethod.GET)) {
        return ApiExchange.withoutBody(() -> list(call));
      }
      if (method.equals(HttpMethod.POST)) {
        return ApiExchange.withBody(ManagementApi.MAX_JSON_BODY_BYTES, body -> {
          JsonNode request = ManagementEndpoints.jsonObject(body);
          Account account = accounts.create(call.principal().actor(), text(request, "name"),
              Role.parse("role", text(request, "role")));
          LOG.info("account {} ({}) created by {}", account.id(), account.role().wireName(),
              call.principal().actor());
          call.respond(HttpResponseStatus.CREATED, json(account));
        });
      }
      throw ManagementEndpoints.notAllowed(method, "GET, POST");
    }
    String id = call.segment(1);
    if (call.size() == 2) {
      if (method.equals(HttpMethod.GET)) {
        return ApiExchange.withoutBody(() -> {
          Account account = accounts.find(id).orElseThrow(() -> new UnknownAccountException(id));
          ObjectNode out = json(account);
          ArrayNode keys = out.putArray("keys");
          accounts.keys(id).forEach(key -> keys.add(json(key)));
          call.respond(HttpResponseStatus.OK, out);
        });
      }
      if (method.equals(HttpMethod.PATCH)) {
        return ApiExchange.withBody(ManagementApi.MAX_JSON_BODY_BYTES, body -> {
          Role role = Role.parse("role", text(ManagementEndpoints.jsonObject(body), "role"));
          Account changed = accounts.changeRole(call.principal().actor(), id, role);
          LOG.info("account {} is now {}, by {}", id, role.wireName(), call.principal().actor());
          call.respond(HttpResponseStatus.OK, json(changed));
        });
      }
      if (method.equals(HttpMethod.DELETE)) {
        return ApiExchange.withoutBody(() -> {
          if (accounts.delete(call.principal().actor(), id).isEmpty()) {
            throw new UnknownAccountException(id);
          }
          LOG.info("account {} deleted by {}", id, call.principal().actor());
          call.respond(HttpResponseStatus.NO_CONTENT, null);
        });
      }
      throw ManagementEndpoints.notAllowed(method, "GET, PATCH, DELETE");
    }
    if (!call.segment(2).equals(KEYS)) {
      throw ApiException.notFound("no API endpoint at " + call.describe() + "; see docs/openapi.yaml");
    }
    requireMethod(method, HttpMethod.POST);
    return ApiExchange.withBody(ManagementApi.MAX_JSON_BODY_BYTES, body -> {
      IssuedApiKey issued = accounts.issueKey(call.principal().actor(), id,
          text(ManagementEndpoints.jsonObject(body), "label"));
      LOG.info("API key {} issued to account {} by {}", issued.key().id(), id, call.principal().actor());
      call.respond(HttpResponseStatus.CREATED, json(issued.key()).put("secret", issued.secret()));
    });
  }

  private void list(ApiCall call) {
    int page = ManagementEndpoints.intParameter(call, "page", 0, 0, 1_000_000);
    int size = ManagementEndpoints.intParameter(call, "size", 20, 1, MAX_PAGE_SIZE);
    Page<Account> found = accounts.list(new PageRequest(page * size, size));
    ObjectNode out = Responses.MAPPER.createObjectNode();
    ArrayNode items = out.putArray("items");
    found.items().forEach(account -> items.add(json(account)));
    out.put("page", page).put("size", size).put("hasNext", found.hasNext());
    call.respond(HttpResponseStatus.OK, out);
  }

  private void auditPage(ApiCall call) {
    int page = ManagementEndpoints.intParameter(call, "page", 0, 0, 1_000_000);
    int size = ManagementEndpoints.intParameter(call, "size", 20, 1, MAX_PAGE_SIZE);
    Page<AuditEntry> found = audit.list(new PageRequest(page * size, size));
    ObjectNode out = Responses.MAPPER.createObjectNode();
    ArrayNode items = out.putArray("items");
    for (AuditEntry entry : found.items()) {
      items.addObject().put("id", entry.id()).put("at", entry.at().toString()).put("actor", entry.actor())
          .put("action", entry.action()).put("target", entry.target()).put("detail", entry.detail());
    }
    out.put("page", page).put("size", size).put("total", audit.count());
    call.respond(HttpResponseStatus.OK, out);
  }

  private static void requireMethod(HttpMethod method, HttpMethod allowed) {
    if (!method.equals(allowed)) {
      throw ManagementEndpoints.notAllowed(method, allowed.name());
    }
  }

  private static String text(JsonNode request, String field) {
    JsonNode node = request.get(field);
    if (node == null || !node.isTextual()) {
      throw ApiException.badRequest("the request body needs \"" + field + "\" as a string");
    }
    return node.textValue();
  }

  private static ObjectNode json(Account account) {
    return Responses.MAPPER.createObjectNode().put("id", account.id()).put("name", account.name())
        .put("role", account.role().wireName()).put("createdAt", account.createdAt().toString());
  }

  private static ObjectNode json(ApiKey key) {
    ObjectNode out = Responses.MAPPER.createObjectNode().put("id", key.id()).put("accountId", key.accountId())
        .put("label", key.label()).put("createdAt", key.createdAt().toString());
    Instant revoked = key.revokedAt();
    if (revoked == null) {
      out.putNull("revokedAt");
    } else {
      out.put("revokedAt", revoked.toString());
    }
    return out;
  }
}
