package io.streamkit.core.profile;

/** A profile was not created: its name is taken among the viewer's profiles, or the viewer has too many. */
public class ProfileRefusedException extends RuntimeException {

  /** Why a profile was refused. */
  public enum Reason {
    /** Another of the viewer's profiles has that name. */
    NAME_TAKEN,
    /** The viewer already has {@link Profile#MAX_PROFILES_PER_VIEWER} profiles. */
    TOO_MANY
  }

  /** Why the profile was refused. */
  private final Reason reason;

  /**
   * An exception whose message says what was refused and what to do.
   *
   * @param reason why
   * @param message one line naming the input and what to do
   */
  public ProfileRefusedException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  /** {@return why the profile was refused} */
  public Reason reason() {
    return reason;
  }
}
