package io.streamkit.server.origin;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.streamkit.core.account.Account;
import io.streamkit.core.account.Accounts;
import io.streamkit.core.account.Role;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who may call which management endpoint. A caller presents one bearer credential: the origin's admin key (the
 * {@code admin} role, checked at once on the event loop, as before accounts existed), an API key StreamKit issued to
 * an account, or an OIDC access token. The last two need the database or the identity provider's key set, so they
 * are checked in the exchange's {@link ApiExchange#begin()} on the API executor, never on the event loop; nothing of
 * the endpoint runs, and no {@code 100 Continue} is sent, before the caller is known and allowed.
 *
 * <p>Answers: no credential 401; a credential that authenticates nobody 401; a caller whose role lacks the
 * {@link Permission} 403. The caller becomes the call's {@link ApiCall#principal()}, the actor of audit entries.
 */
final class ManagementAccess {

  /** What an endpoint needs; each names the roles that have it. */
  enum Permission {
    /** Read titles, their subtitles, and preview them with a playback token. */
    VIEW_TITLES(Role.ADMIN, Role.EDITOR, Role.MODERATOR),
    /** Upload (whole, resumable, direct) and retry a failed transcode. */
    UPLOAD(Role.ADMIN, Role.EDITOR),
    /** Change what a title holds: its subtitles. */
    EDIT(Role.ADMIN, Role.EDITOR),
    /** Publish and unpublish; editors too where the deployment allows it. */
    PUBLISH(Role.ADMIN, Role.MODERATOR),
    /** Reject a title. */
    REJECT(Role.ADMIN, Role.MODERATOR),
    /** Everything else: deleting titles, live streams, revocations, analytics, accounts, keys, the audit log. */
    ADMIN(Role.ADMIN);

    private final Set<Role> roles;

    Permission(Role... roles) {
      this.roles = EnumSet.copyOf(Arrays.asList(roles));
    }
  }

  /** Who is calling, as the audit log names them. */
  record Principal(String actor, Role role) {
    /** The actor of the origin's admin key. */
    static final Principal ADMIN_KEY = new Principal("admin-key", Role.ADMIN);

    static Principal of(Account account) {
      return new Principal("account:" + account.id(), account.role());
    }
  }

  private final AdminKey adminKey;
  private final Accounts accounts;
  private final OidcVerifier oidc;
  private final boolean editorsMayPublish;

  /**
   * @param accounts the accounts whose API keys authenticate, or {@code null} for none
   * @param oidc the access token verifier, or {@code null} when no identity provider is configured
   */
  ManagementAccess(AdminKey adminKey, Accounts accounts, OidcVerifier oidc, boolean editorsMayPublish) {
    this.adminKey = adminKey;
    this.accounts = accounts;
    this.oidc = oidc;
    this.editorsMayPublish = editorsMayPublish;
  }

  /**
   * Refuses a request without a bearer credential at once (401), before its path or method is looked at, so a caller
   * without one learns nothing about the API but that it needs one.
   */
  void requireCredential(ApiCall call) {
    String credential = call.bearer();
    if (credential == null || credential.isEmpty()) {
      throw unauthorised("no credential");
    }
  }

  /** How an endpoint family turns a request into its exchange, or refuses it (on the event loop, without I/O). */
  @FunctionalInterface
  interface Opening {
    ApiExchange open();
  }

  /**
   * Puts the authorisation in front of the exchange {@code opening} makes. Runs on the event loop: a missing
   * credential is refused at once, the admin key is accepted at once; any other credential is checked when the
   * exchange begins, and a refusal of the request itself (a bad id, a wrong method) is answered only after that, so
   * a caller who may not use an endpoint learns nothing from it.
   */
  ApiExchange guard(ApiCall call, Permission needed, Opening opening) {
    requireCredential(call);
    if (adminKey.authorises(call.headers())) {
      call.principal(Principal.ADMIN_KEY);
      return opening.open();
    }
    ApiExchange exchange = null;
    RuntimeException refusal = null;
    try {
      exchange = opening.open();
    } catch (RuntimeException e) {
      refusal = e;
    }
    return new Guarded(call, needed, call.bearer(), exchange, refusal);
  }

  /** Whether {@code role} has {@code needed} in this deployment. */
  boolean allows(Role role, Permission needed) {
    return needed.roles.contains(role) || (needed == Permission.PUBLISH && editorsMayPublish && role == Role.EDITOR);
  }

  private Principal authenticate(String credential) {
    if (oidc != null && OidcVerifier.looksLikeJwt(credential)) {
      return oidc.verify(credential);
    }
    if (accounts != null) {
      Account account = accounts.authenticate(credential).orElse(null);
      if (account != null) {
        return Principal.of(account);
      }
    }
    throw unauthorised("a credential that is not " + (oidc == null ? "an API key or the admin key"
        : "an API key, a valid access token or the admin key"));
  }

  static ApiException unauthorised(String sent) {
    return new ApiException(HttpResponseStatus.UNAUTHORIZED, "unauthorized", "this endpoint needs a management"
        + " credential and the request sent " + sent + ": send Authorization: Bearer <API key, access token or"
        + " admin key>");
  }

  private ApiException forbidden(ApiCall call, Principal principal, Permission needed) {
    String roles = Arrays.stream(Role.values()).filter(role -> allows(role, needed)).map(Role::wireName)
        .collect(Collectors.joining(" or "));
    return new ApiException(HttpResponseStatus.FORBIDDEN, "forbidden", call.describe() + " needs the role " + roles
        + ", and " + principal.actor() + " has the role " + principal.role().wireName()
        + "; ask an admin to change the role");
  }

  /** An exchange that first establishes and checks the caller, then runs the endpoint's exchange. */
  private final class Guarded implements ApiExchange {
    private final ApiCall call;
    private final Permission needed;
    private final String credential;
    /** The endpoint's exchange, or {@code null} when the request was refused: then {@link #refusal} is set. */
    private final ApiExchange exchange;
    private final RuntimeException refusal;
    private boolean begun;

    Guarded(ApiCall call, Permission needed, String credential, ApiExchange exchange, RuntimeException refusal) {
      this.call = call;
      this.needed = needed;
      this.credential = credential;
      this.exchange = exchange;
      this.refusal = refusal;
    }

    @Override
    public long maxBodyBytes() {
      return exchange == null ? ApiHandler.IGNORED_BODY_BYTES : exchange.maxBodyBytes();
    }

    @Override
    public ApiException tooLarge(String request, long declared) {
      return exchange == null ? ApiExchange.super.tooLarge(request, declared) : exchange.tooLarge(request, declared);
    }

    @Override
    public void begin() throws Exception {
      Principal principal = authenticate(credential);
      if (!allows(principal.role(), needed)) {
        throw forbidden(call, principal, needed);
      }
      call.principal(principal);
      if (refusal != null) {
        throw refusal;
      }
      begun = true;
      exchange.begin();
    }

    @Override
    public void body(ByteBuf chunk) throws Exception {
      exchange.body(chunk);
    }

    @Override
    public void complete() throws Exception {
      exchange.complete();
    }

    @Override
    public void abandon() {
      if (begun) {
        exchange.abandon();
      }
    }
  }
}
