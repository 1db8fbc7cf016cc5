"""The translation layer for refusals: stable code → French and English wording.

French first: it is the working language of the funds; English for those who read it better.
"""

from typing import NamedTuple

SUPPORTED_LANGS = ("fr", "en")


class Message(NamedTuple):
    fr: str
    en: str


MESSAGES: dict[str, Message] = {
    # ledger
    "insufficient_funds": Message("Solde insuffisant.", "Insufficient balance."),
    "hold_expired": Message("La réservation a expiré.", "The hold has expired."),
    "hold_already_resolved": Message(
        "Cette réservation a déjà été utilisée ou annulée.",
        "This hold has already been used or released.",
    ),
    "hold_not_found": Message("Réservation introuvable.", "Hold not found."),
    "idempotency_conflict": Message(
        "Cet identifiant d'opération a déjà servi pour une autre opération.",
        "This operation id was already used for a different operation.",
    ),
    "account_not_found": Message("Compte introuvable.", "Account not found."),
    "account_exists": Message("Ce compte existe déjà.", "This account already exists."),
    "same_account": Message(
        "Le compte débité et le compte crédité doivent être différents.",
        "The debit and credit accounts must differ.",
    ),
    "invalid_amount": Message(
        "Montant invalide : un nombre positif en euros, par exemple 12,40.",
        "Invalid amount: a positive number of euros, for example 12.40.",
    ),
    "post_exceeds_hold": Message(
        "Le montant dépasse la somme réservée.", "The amount exceeds what was held."
    ),
    "invalid_expiry": Message("Date d'expiration invalide.", "Invalid expiry time."),
    "invalid_request": Message("Requête invalide.", "Invalid request."),
    # auth
    "invalid_credentials": Message(
        "Identifiant, mot de passe ou code à usage unique incorrect.",
        "Wrong username, password or one-time code.",
    ),
    "session_expired": Message(
        "Votre session a expiré ; reconnectez-vous.", "Your session has expired; log in again."
    ),
    "authentication_required": Message("Connexion requise.", "Login required."),
    "forbidden": Message("Action non autorisée pour votre rôle.", "Not allowed for your role."),
    "password_too_short": Message(
        "Le mot de passe doit faire au moins 10 caractères.",
        "The password must be at least 10 characters long.",
    ),
    "username_taken": Message("Cet identifiant est déjà pris.", "This username is taken."),
    "invalid_username": Message("Identifiant invalide.", "Invalid username."),
    "user_not_found": Message("Compte introuvable.", "Account not found."),
    "cannot_deactivate_self": Message(
        "Vous ne pouvez pas désactiver votre propre compte.",
        "You cannot deactivate your own account.",
    ),
    "manager_needs_shop": Message(
        "Un compte « commerce » doit être rattaché à un commerce.",
        "A shop manager account must belong to a shop.",
    ),
    # participants
    "invalid_month": Message("Mois invalide (AAAA-MM).", "Invalid month (YYYY-MM)."),
    "invalid_household_size": Message(
        "Taille du foyer invalide (1 à 20).", "Invalid household size (1 to 20)."
    ),
    "invalid_contribution_level": Message(
        "Niveau de cotisation invalide.", "Invalid contribution level."
    ),
    "missing_column": Message("Colonne manquante dans le fichier.", "Column missing in the file."),
    "invalid_status_change": Message(
        "Ce changement de statut n'est pas possible depuis le statut actuel.",
        "This status change is not possible from the current status.",
    ),
    "participant_not_found": Message("Participant introuvable.", "Participant not found."),
    # shops
    "invalid_name": Message("Le nom est obligatoire.", "The name is required."),
    "invalid_transition": Message(
        "Ce changement de statut n'est pas permis.", "This status change is not allowed."
    ),
    "shop_not_found": Message("Commerce introuvable.", "Shop not found."),
    # allocations and contributions
    "no_policy": Message(
        "Aucune règle d'allocation n'est en vigueur pour ce mois.",
        "No allocation policy is in force for this month.",
    ),
    "transfer_refused": Message(
        "Une écriture a été refusée ; rien n'a été enregistré pour ce lot.",
        "A transfer was refused; nothing was recorded for this batch.",
    ),
    "invalid_funder": Message("Le financeur est obligatoire.", "The funder is required."),
    "run_not_found": Message("Allocation introuvable.", "Allocation run not found."),
    "run_finished": Message(
        "Cette allocation est déjà terminée ; relancez le mois pour la compléter.",
        "This allocation run has already ended; run the month again to complete it.",
    ),
    # pay codes (paytoken)
    "too_large": Message(
        "Code trop long : ce n'est pas un code de paiement.",
        "Code too long: this is not a pay code.",
    ),
    "bad_prefix": Message(
        "Ce n'est pas un code de paiement de la caisse.", "This is not a pay code of the fund."
    ),
    "malformed": Message("Code de paiement illisible ou abîmé.", "Unreadable or damaged pay code."),
    "unsupported_algorithm": Message(
        "Code de paiement d'un format inconnu.", "Pay code in an unknown format."
    ),
    "unsupported_version": Message(
        "Version de code de paiement inconnue.", "Unknown pay code version."
    ),
    "unknown_key": Message(
        "Code signé par une clé inconnue : refusé.", "Code signed by an unknown key: refused."
    ),
    "key_not_valid": Message(
        "Code signé par une clé hors de sa période de validité.",
        "Code signed by a key outside its validity.",
    ),
    "bad_signature": Message(
        "Signature invalide : ce code a été modifié.", "Invalid signature: this code was altered."
    ),
    "token_expired": Message(
        "Ce code de paiement a expiré ; demandez-en un nouveau.",
        "This pay code has expired; ask for a new one.",
    ),
    "token_not_yet_valid": Message(
        "Ce code n'est pas encore valable (horloge décalée ?).",
        "This code is not valid yet (clock wrong?).",
    ),
    "token_revoked": Message("Ce code de paiement a été annulé.", "This pay code was revoked."),
    "wallet_blocked": Message(
        "Ce porte-monnaie est bloqué ; contactez la caisse.",
        "This wallet is blocked; contact the fund.",
    ),
    # issuing and redeeming
    "too_many_tokens": Message(
        "Trop de codes de paiement en cours ; utilisez-en un ou attendez qu'il expire.",
        "Too many pay codes outstanding; use one or wait for it to expire.",
    ),
    "participant_not_active": Message(
        "Ce compte participant n'est pas actif.", "This participant account is not active."
    ),
    "no_signing_key": Message(
        "Aucune clé de signature : lancez « caisse keys rotate ».",
        'No signing key: run "caisse keys rotate".',
    ),
    "signing_key_missing": Message(
        "Clé de signature introuvable dans le dossier des clés.",
        "Signing key missing from the key directory.",
    ),
    "signing_key_exposed": Message(
        "Clé de signature lisible par d'autres utilisateurs : refusée (chmod 600).",
        "Signing key readable by other users: refused (chmod 600).",
    ),
    "invalid_pairing_code": Message(
        "Code d'appairage inconnu, déjà utilisé ou expiré.",
        "Pairing code unknown, already used or expired.",
    ),
    "device_not_recognized": Message(
        "Appareil non reconnu ou révoqué.", "Device not recognised or revoked."
    ),
    "device_not_found": Message("Appareil introuvable.", "Device not found."),
    "shop_not_approved": Message(
        "Ce commerce n'est pas conventionné actuellement.", "This shop is not currently approved."
    ),
    "amount_exceeds_cap": Message(
        "Le montant dépasse ce que ce code peut payer.",
        "The amount exceeds what this code can pay.",
    ),
    "unknown_token": Message(
        "Code de paiement inconnu de la caisse.", "Pay code unknown to the fund."
    ),
    "token_already_used": Message(
        "Ce code de paiement a déjà servi.", "This pay code has already been used."
    ),
    "token_online_only": Message(
        "Ce code ne peut servir qu'en ligne.", "This code can only be used online."
    ),
    "captured_in_future": Message(
        "Heure de paiement dans le futur : vérifiez l'horloge.",
        "Payment time in the future: check the clock.",
    ),
    # offline payments the server refuses: the till could not honestly have accepted them
    "captured_before_contact": Message(
        "Paiement daté d'avant le dernier contact de la caisse avec le serveur : refusé,"
        " la coordination est prévenue.",
        "Payment dated before the till's last contact with the server: refused, the"
        " coordinators are told.",
    ),
    "offline_too_long": Message(
        "Paiement pris après la durée hors ligne permise à cette caisse : refusé, la"
        " coordination est prévenue.",
        "Payment taken after the time this till may stay offline: refused, the coordinators"
        " are told.",
    ),
    "offline_limit": Message(
        "Paiement hors ligne au-delà des limites de cette caisse : refusé, la coordination"
        " est prévenue.",
        "Offline payment beyond this till's limits: refused, the coordinators are told.",
    ),
    "redemption_not_found": Message(
        "Paiement introuvable pour ce commerce.", "Payment not found for this shop."
    ),
    "refund_exceeds_payment": Message(
        "Le remboursement dépasse le paiement.", "The refund exceeds the payment."
    ),
    "refund_window_passed": Message(
        "Ce paiement est trop ancien pour être remboursé à la caisse : adressez-vous à la"
        " coordination du fonds.",
        "This payment is too old to be refunded at the till: ask the fund's coordinators.",
    ),
    "refund_after_payout": Message(
        "Le fonds a déjà versé cette somme au commerce : pour rembourser, adressez-vous à la"
        " coordination du fonds.",
        "The fund has already paid this amount to the shop: to refund it, ask the fund's"
        " coordinators.",
    ),
    "wrong_pin": Message("Code PIN incorrect.", "Wrong PIN."),
    "pin_locked": Message(
        "Paiement par PIN bloqué après trop d'erreurs ; contactez la caisse.",
        "PIN payment locked after too many errors; contact the fund.",
    ),
    "pin_not_set": Message(
        "Aucun code PIN n'est défini pour ce participant.", "No PIN is set for this participant."
    ),
    "till_limit_reached": Message(
        "Ce commerce a déjà le nombre maximal de caisses actives : seule l'équipe du fonds"
        " (coordination, administration) peut en appairer une de plus.",
        "This shop already has the most active tills allowed: only the fund's staff"
        " (coordinators, administrators) can pair one more.",
    ),
    "pin_payment_over_limit": Message(
        "Ce montant dépasse le plafond d'un paiement par code PIN.",
        "This amount is over the limit of one PIN payment.",
    ),
    "invalid_pin_format": Message(
        "Le code PIN doit avoir 4 à 6 chiffres.", "The PIN must have 4 to 6 digits."
    ),
    # generic
    "bad_request": Message("Requête invalide.", "Invalid request."),
    "request_too_large": Message(
        "Requête trop volumineuse (1 Mio au plus) ; rien n'a été modifié.",
        "Request too large (1 MiB at most); nothing was changed.",
    ),
    "invalid_activation_code": Message(
        "Code d'activation inconnu, déjà utilisé ou expiré : demandez-en un nouveau à la"
        " coordination.",
        "Activation code unknown, already used or expired: ask the coordinators for a new one.",
    ),
    "token_not_found": Message("Code de paiement introuvable.", "Pay code not found."),
    "token_not_outstanding": Message(
        "Ce code de paiement a déjà servi ou a été annulé.",
        "This pay code was already used or cancelled.",
    ),
    "not_found": Message("Introuvable.", "Not found."),
    # rate limits (wallet_server/web/security): too many refused attempts from one client
    "rate_limited": Message(
        "Trop de tentatives refusées : patientez avant de réessayer.",
        "Too many refused attempts: wait before trying again.",
    ),
    "rate_limited_wait": Message(
        "Trop de tentatives refusées : réessayez dans {minutes} min.",
        "Too many refused attempts: try again in {minutes} min.",
    ),
    "busy_retry": Message(
        "Serveur occupé, réessayez dans un instant.", "Server busy, try again in a moment."
    ),
    "internal_error": Message(
        "Erreur interne ; rien n'a été modifié.", "Internal error; nothing was changed."
    ),
    # bank details (payouts to shops)
    "bank_holder_missing": Message(
        "Indiquez le titulaire du compte bancaire.", "Give the bank account holder's name."
    ),
    "bank_holder_too_long": Message(
        "Le nom du titulaire ne peut dépasser 70 caractères.",
        "The account holder's name cannot exceed 70 characters.",
    ),
    "iban_invalid": Message(
        "IBAN invalide : vérifiez chaque caractère (exemple : FR76 3000 6000 0112 3456 7890 189).",
        "Invalid IBAN: check every character (example: FR76 3000 6000 0112 3456 7890 189).",
    ),
    "iban_outside_sepa": Message(
        "Cet IBAN n'est pas dans la zone SEPA : un virement SEPA ne peut pas y aller.",
        "This IBAN is outside the SEPA area: a SEPA transfer cannot reach it.",
    ),
    "bic_invalid": Message(
        "BIC invalide : 8 ou 11 lettres et chiffres (exemple : AGRIFRPP).",
        "Invalid BIC: 8 or 11 letters and digits (example: AGRIFRPP).",
    ),
    # console sections add their refusals below, one block per section
    # reimbursements: statements, payout batches, SEPA files
    "bank_details_missing": Message(
        "Coordonnées bancaires non renseignées : saisissez l'IBAN et le titulaire du compte.",
        "No bank details: enter the IBAN and the account holder.",
    ),
    "fund_bank_missing": Message(
        "Compte bancaire du fonds non configuré : l'administrateur doit définir les variables"
        " d'environnement CAISSE_FUND_NAME (titulaire) et CAISSE_FUND_IBAN, et si possible"
        " CAISSE_FUND_BIC, puis redémarrer le serveur.",
        "The fund's bank account is not configured: the administrator must set the environment"
        " variables CAISSE_FUND_NAME (holder) and CAISSE_FUND_IBAN, and if possible"
        " CAISSE_FUND_BIC, then restart the server.",
    ),
    "fund_bank_invalid": Message(
        "Compte bancaire du fonds invalide : l'administrateur doit corriger CAISSE_FUND_NAME,"
        " CAISSE_FUND_IBAN ou CAISSE_FUND_BIC (la variable en cause est indiquée).",
        "The fund's bank account is invalid: the administrator must correct CAISSE_FUND_NAME,"
        " CAISSE_FUND_IBAN or CAISSE_FUND_BIC (the variable at fault is named).",
    ),
    "period_invalid": Message(
        "Période invalide : la date de fin précède la date de début.",
        "Invalid period: the end date is before the start date.",
    ),
    "payout_nothing_due": Message(
        "Aucun commerce à rembourser jusqu'à cette date (ou aucun avec des coordonnées"
        " bancaires valides) : aucun lot n'a été créé.",
        "No shop is owed money up to this date (or none has valid bank details): no batch"
        " was created.",
    ),
    "payout_period_in_future": Message(
        "La fin de période ne peut pas être dans le futur.",
        "The end of the period cannot be in the future.",
    ),
    "payout_execution_date_past": Message(
        "La date d'exécution du virement ne peut pas être passée.",
        "The transfer's execution date cannot be in the past.",
    ),
    "payout_already_paid": Message(
        "Ce lot est déjà marqué payé : les virements ont été enregistrés une seule fois.",
        "This batch is already marked paid: its transfers were recorded once only.",
    ),
    "payout_batch_cancelled": Message(
        "Ce lot a été annulé : préparez-en un nouveau.",
        "This batch was cancelled: prepare a new one.",
    ),
    "payout_batch_not_found": Message("Lot de virements introuvable.", "Payout batch not found."),
    "payout_exceeds_balance": Message(
        "Le solde d'un commerce est devenu inférieur au montant du lot (remboursement depuis la"
        " préparation ?) : annulez ce lot et préparez-en un nouveau.",
        "A shop's balance is now below its amount in the batch (a refund since it was"
        " prepared?): cancel this batch and prepare a new one.",
    ),
    "payout_transfer_refused": Message(
        "Le grand livre a refusé un virement du lot : rien n'a été enregistré.",
        "The ledger refused one of the batch's transfers: nothing was recorded.",
    ),
    "sepa_file_invalid": Message(
        "Le fichier SEPA produit n'est pas conforme au schéma : rien n'a été téléchargé.",
        "The SEPA file produced does not match the schema: nothing was downloaded.",
    ),
    # shops: committee decisions, directory, tills and their offline limits
    "invalid_decision": Message(
        "Décision inconnue : approuver ou suspendre.", "Unknown decision: approve or suspend."
    ),
    "criterion_missing": Message(
        "Chaque critère (qualité, proximité, accessibilité) doit recevoir une note.",
        "Every criterion (quality, locality, accessibility) needs a score.",
    ),
    "criterion_unknown": Message(
        "Critère inconnu : seuls qualité, proximité et accessibilité sont notés.",
        "Unknown criterion: only quality, locality and accessibility are scored.",
    ),
    "score_out_of_range": Message(
        "Chaque note est un nombre entier de 0 à 5.", "Each score is a whole number from 0 to 5."
    ),
    "low_score_needs_comment": Message(
        "Une note de 2 ou moins doit être expliquée par un commentaire.",
        "A score of 2 or less must be explained in a comment.",
    ),
    "suspension_reason_required": Message(
        "Une suspension doit être motivée : indiquez la raison.",
        "A suspension must state its reason: fill in the note.",
    ),
    "field_too_long": Message("Un des champs est trop long.", "One of the fields is too long."),
    "too_many_categories": Message(
        "Trop de catégories : 12 au plus.", "Too many categories: 12 at most."
    ),
    "device_revoked": Message(
        "Cette caisse est révoquée : ses limites ne changent plus.",
        "This till is revoked: its limits no longer change.",
    ),
    "offline_limit_invalid": Message(
        "Limite hors ligne invalide : un nombre entier.", "Invalid offline limit: a whole number."
    ),
    "offline_limit_negative": Message(
        "Une limite hors ligne ne peut pas être négative.", "An offline limit cannot be negative."
    ),
    "offline_amount_above_cap": Message(
        "Le montant par paiement hors ligne ne peut dépasser le plafond d'un code de paiement.",
        "The amount per offline payment cannot exceed a pay code's cap.",
    ),
    "offline_count_too_high": Message(
        "Nombre de paiements hors ligne trop élevé (10 000 au plus).",
        "Too many offline payments allowed (10,000 at most).",
    ),
    "offline_total_too_high": Message(
        "Total hors ligne trop élevé (10 000 € au plus par caisse).",
        "Offline total too high (€10,000 at most per till).",
    ),
    "offline_hours_out_of_range": Message(
        "Durée hors ligne hors bornes : au moins 1 heure, et pas plus que le délai de"
        " synchronisation des codes de paiement.",
        "Offline duration out of bounds: at least 1 hour, and no more than the pay codes'"
        " sync grace period.",
    ),
    # conflicts
    "conflict_not_found": Message("Conflit introuvable.", "Conflict not found."),
    "refused_capture_not_found": Message(
        "Paiement refusé introuvable.", "Refused payment not found."
    ),
    "refused_capture_closed": Message(
        "Ce paiement refusé a déjà été examiné.", "This refused payment was already looked into."
    ),
    "refused_capture_note_needed": Message(
        "Dites en une phrase ce que vous avez constaté.", "Say in a sentence what you found."
    ),
    "conflict_already_resolved": Message(
        "Ce conflit est déjà réglé.", "This conflict is already settled."
    ),
    "conflict_not_open": Message(
        "Ce conflit n'est plus ouvert : son règlement est déjà choisi.",
        "This conflict is no longer open: its settlement was already chosen.",
    ),
    "conflict_nothing_owed": Message(
        "Le porte-monnaie n'est pas à découvert : il n'y a rien à rembourser.",
        "The wallet is not overdrawn: there is nothing to repay.",
    ),
    # paper vouchers
    "voucher_count_invalid": Message(
        "Nombre de bons invalide : de 1 à 40 par planche.",
        "Invalid number of vouchers: 1 to 40 per sheet.",
    ),
    "voucher_value_invalid": Message(
        "Valeur de bon invalide : plus de 0 € et au plus le plafond d'un code de paiement.",
        "Invalid voucher value: more than €0 and at most the cap of one pay code.",
    ),
    "voucher_already_used": Message(
        "Ce bon a déjà servi dans un commerce : il ne peut plus être annulé.",
        "This voucher was already used at a shop: it can no longer be cancelled.",
    ),
    "voucher_not_outstanding": Message(
        "Ce bon est déjà annulé ou expiré.", "This voucher is already cancelled or expired."
    ),
    "voucher_sheet_spent": Message(
        "Plus aucun bon de cette planche n'est en cours : rien à annuler.",
        "No voucher of this sheet is outstanding any more: nothing to cancel.",
    ),
    "voucher_not_found": Message("Bon ou planche introuvable.", "Voucher or sheet not found."),
    # reports
    "report_months_reversed": Message(
        "Le premier mois doit précéder le dernier.", "The first month must come before the last."
    ),
    "report_window_too_long": Message(
        "Période trop longue : 60 mois au plus.", "Period too long: 60 months at most."
    ),
    # the demo fund (caisse demo)
    "demo_needs_an_empty_fund": Message(
        "Cette base contient déjà une caisse (commerces, participants ou clé de signature) :"
        " la démonstration, qui raconte l'année de la caisse depuis son ouverture, a besoin"
        " d'une base vide.",
        "This database already holds a fund (shops, participants or a signing key): the demo,"
        " which tells the fund's year from its opening, needs an empty database.",
    ),
    # backup and restore
    "backup_output_exists": Message(
        "Une archive porte déjà ce nom : rien n'a été écrasé.",
        "An archive with this name already exists: nothing was overwritten.",
    ),
    "backup_dump_failed": Message(
        "La copie de la base (pg_dump, ou la lecture du grand livre) a échoué : aucune archive"
        " n'a été écrite.",
        "Copying the database (pg_dump, or reading the ledger) failed: no archive was written.",
    ),
    "backup_write_failed": Message(
        "Écriture de l'archive impossible (disque plein ? droits sur le dossier ?) : aucune"
        " archive n'a été écrite.",
        "Cannot write the archive (disk full? folder permissions?): no archive was written.",
    ),
    "backup_tool_missing": Message(
        "Outil PostgreSQL introuvable (pg_dump ou pg_restore) : installez le client PostgreSQL"
        " de la même version que le serveur, ou plus récent.",
        "PostgreSQL tool not found (pg_dump or pg_restore): install the PostgreSQL client of"
        " the server's version or newer.",
    ),
    "backup_database_missing": Message(
        "Aucune caisse dans cette base (fichier absent ou schéma jamais créé) : rien à"
        " sauvegarder.",
        "No fund in this database (missing file or schema never created): nothing to back up.",
    ),
    "backup_database_unreachable": Message(
        "Connexion à la base impossible : vérifiez DATABASE_URL et que la base existe.",
        "Cannot connect to the database: check DATABASE_URL and that the database exists.",
    ),
    "backup_schema_unsupported": Message(
        "Le search_path de DATABASE_URL doit nommer un seul schéma (options=-csearch_path=NOM).",
        "DATABASE_URL's search_path must name a single schema (options=-csearch_path=NAME).",
    ),
    "backup_kind_unsupported": Message(
        "Type de base non pris en charge : un fichier SQLite ou PostgreSQL.",
        "Unsupported kind of database: a SQLite file or PostgreSQL.",
    ),
    "backup_sqlite_failed": Message(
        "La copie de la base SQLite a échoué.", "Copying the SQLite database failed."
    ),
    "backup_archive_unreadable": Message(
        "Archive illisible ou endommagée (pas un .tar.gz intact) : rien n'a été restauré.",
        "Unreadable or damaged archive (not an intact .tar.gz): nothing was restored.",
    ),
    "backup_manifest_invalid": Message(
        "manifest.json absent ou invalide : ce n'est pas une sauvegarde de la caisse.",
        "manifest.json missing or invalid: this is not a backup of the fund.",
    ),
    "backup_format_unsupported": Message(
        "Format de sauvegarde inconnu de cette version de caisse : utilisez une version plus"
        " récente.",
        "Backup format unknown to this version of caisse: use a newer version.",
    ),
    "backup_members_mismatch": Message(
        "Le contenu de l'archive ne correspond pas à son manifeste (fichier en trop ou"
        " manquant) : rien n'a été restauré.",
        "The archive's content does not match its manifest (a file too many or missing):"
        " nothing was restored.",
    ),
    "backup_checksum_mismatch": Message(
        "Somme de contrôle fausse : l'archive a été modifiée ou abîmée ; rien n'a été restauré.",
        "Checksum mismatch: the archive was altered or damaged; nothing was restored.",
    ),
    "restore_kind_mismatch": Message(
        "Restaurer d'un type de base vers un autre (SQLite ↔ PostgreSQL) n'est pas pris en"
        " charge : restaurez vers le même type de base.",
        "Restoring across kinds of database (SQLite ↔ PostgreSQL) is not supported: restore"
        " into the same kind.",
    ),
    "restore_schema_mismatch": Message(
        "Le schéma PostgreSQL de la sauvegarde et celui de DATABASE_URL diffèrent :"
        " restaurez avec le même options=-csearch_path.",
        "The backup's PostgreSQL schema and DATABASE_URL's differ: restore with the same"
        " options=-csearch_path.",
    ),
    "restore_revision_unknown": Message(
        "Sauvegarde faite par une version plus récente de caisse (révision de schéma"
        " inconnue) : restaurez avec cette version.",
        "Backup made by a newer version of caisse (unknown schema revision): restore with"
        " that version.",
    ),
    "restore_target_not_empty": Message(
        "La base cible contient déjà une caisse : restaurez dans une base vide. Rien n'a été"
        " modifié.",
        "The target database already holds a fund: restore into an empty one. Nothing was changed.",
    ),
    "restore_key_conflict": Message(
        "Le dossier des clés contient déjà un autre fichier du même nom : rien n'a été modifié.",
        "The key directory already holds a different file with the same name: nothing was changed.",
    ),
    "restore_failed": Message(
        "La restauration de la base (pg_restore) a échoué et a été annulée.",
        "Restoring the database (pg_restore) failed and was rolled back.",
    ),
    "restore_unverified": Message(
        "Base restaurée mais grand livre non vérifiable : lancez « caisse db upgrade » puis"
        " « caisse ledger verify ».",
        "Database restored but the ledger could not be verified: run `caisse db upgrade`,"
        " then `caisse ledger verify`.",
    ),
}


def message(code: str, lang: str = "fr") -> str:
    entry = MESSAGES.get(code)
    if entry is None:
        return code
    return entry.en if lang == "en" else entry.fr


def messages_for(code: str) -> dict[str, str]:
    """Both wordings, for a client that shows the one its user chose."""
    entry = MESSAGES.get(code)
    return {"fr": entry.fr, "en": entry.en} if entry else {"fr": code, "en": code}


def bilingual(code: str) -> str:
    """Both languages on one line, for terminals whose reader we do not know."""
    entry = MESSAGES.get(code)
    return f"{entry.fr} / {entry.en}" if entry else code
