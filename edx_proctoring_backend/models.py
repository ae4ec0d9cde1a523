"""Django looks for the app's models here; they are defined beside their rules."""
# pylint: disable=unused-import
from .credit.models import CreditRecord  # noqa: F401
from .exams.models import (  # noqa: F401
    Allowance, AllowanceChange, AttemptTransition, Exam, ExamAttempt, OnCampusRequest,
)
from .messages.models import OutgoingMessage  # noqa: F401
from .monitors.models import ExamPassword, MonitorReport, Nomination  # noqa: F401
from .privacy.models import ConsentRecord, ConsentTerms, ExportRecord, MediaView, PurgedItem  # noqa: F401
from .providers.models import OnboardingProfile, ProviderCall  # noqa: F401
from .recordings.models import AttemptPhoto, Recording, RecordingChunk, SessionFlag, VideoFinding  # noqa: F401
from .reviews.models import HeldVerdict, ReceivedMessage, Review, ReviewerAssignment  # noqa: F401
from .sittings.models import Booking, BookingChange, Sitting  # noqa: F401
